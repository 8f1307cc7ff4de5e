import '../funnels.css';
import type { FunnelStepResult } from '../funnels-api.ts';

/** "1,234" and "45.5%": the numbers a funnel shows. */
function count(n: number): string {
  return n.toLocaleString('en');
}
function percent(rate: number | null): string {
  return rate === null ? '—' : `${rate.toLocaleString('en', { maximumFractionDigits: 1 })}%`;
}

/**
 * One bar per step (width = share of the visitors who entered), its name and numbers beside it
 * rather than inside (a short bar still reads), and the drop-off between consecutive steps.
 * Nobody entering, or a single step, are shown as such instead of empty bars.
 */
export function FunnelBars(props: { steps: readonly FunnelStepResult[] }) {
  const { steps } = props;
  if (steps.length === 0) return <p class="muted panel-empty">This funnel has no steps.</p>;
  const entered = steps[0]!.visitors;
  return (
    <div class="funnel" data-testid="funnel-bars">
      {steps.length === 1 && (
        <p class="muted small" data-testid="funnel-one-step">
          A funnel needs at least two steps: add the step visitors should reach next.
        </p>
      )}
      {entered === 0 && (
        <p class="muted small" data-testid="funnel-empty">
          No visitor reached the first step in this period.
        </p>
      )}
      <ol class="funnel-steps">
        {steps.map((step, i) => (
          <li key={step.step} class="funnel-step" data-step={step.step}>
            {i > 0 && (
              <div class="funnel-drop" data-testid="funnel-drop">
                <span aria-hidden="true">↓</span> {count(step.drop_off)} dropped off (
                {percent(
                  step.conversion_rate_from_previous === null
                    ? null
                    : 100 - step.conversion_rate_from_previous,
                )}
                )
              </div>
            )}
            <div class="funnel-row">
              <div class="funnel-label">
                <span class="funnel-index">{step.step}</span>
                <span class="funnel-name" title={step.name}>
                  {step.name}
                </span>
              </div>
              <div class="funnel-track">
                <span
                  class="funnel-bar"
                  style={{
                    width: `${entered > 0 ? Math.max((step.visitors / entered) * 100, step.visitors > 0 ? 1 : 0) : 0}%`,
                  }}
                />
              </div>
              <div class="funnel-numbers">
                <strong data-testid="funnel-visitors">{count(step.visitors)}</strong>
                <span class="muted small">{percent(step.conversion_rate)}</span>
              </div>
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
