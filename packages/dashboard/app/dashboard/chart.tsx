import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatMetric } from './format.ts';

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Bucket labels from the engine ("2026-03-10", "2026-03-10 13:00:00", "2026-03") in a short form. */
export function shortLabel(label: string, bucket: string): string {
  const [date = '', time = ''] = label.split(/[ T]/);
  const [, month = '1', day = '1'] = date.split('-');
  const monthName = months[Number(month) - 1] ?? month;
  if (bucket === 'time:hour') return time.slice(0, 5) || label;
  if (bucket === 'time:month') return `${monthName} ${date.slice(0, 4)}`;
  return `${monthName} ${Number(day)}`;
}

export interface ChartProps {
  readonly labels: readonly string[];
  readonly bucket: string;
  readonly metric: string;
  readonly metricLabel: string;
  readonly values: ReadonlyArray<number | null>;
  /** The previous period, bucket by bucket; shown dashed. */
  readonly previous: ReadonlyArray<number | null> | null;
}

/** The time series of one metric (uPlot on a canvas: no markup is built from data). */
export function TimeSeriesChart(props: ChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<number | null>(null);
  const key = JSON.stringify(props);
  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const { labels, bucket, metric } = props;
    const x = labels.map((_, i) => i);
    const series: uPlot.Series[] = [
      {},
      {
        label: props.metricLabel,
        stroke: '#4f46e5',
        width: 2,
        fill: 'rgba(79,70,229,0.10)',
        points: { show: labels.length <= 31 },
      },
    ];
    const data: uPlot.AlignedData = [x, props.values as (number | null)[]];
    if (props.previous) {
      series.push({
        label: 'Previous period',
        stroke: '#a1a1aa',
        width: 1.5,
        dash: [5, 5],
        points: { show: false },
      });
      data.push(props.previous as (number | null)[]);
    }
    const plot = new uPlot(
      {
        width: Math.max(300, element.clientWidth),
        height: 240,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { size: 7 } },
        scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [
          {
            stroke: '#71717a',
            grid: { show: false },
            incrs: [1, 2, 3, 4, 6, 7, 12, 14, 24, 30, 60, 90],
            values: (_u, splits) =>
              splits.map((i) => (Number.isInteger(i) ? shortLabel(labels[i] ?? '', bucket) : '')),
          },
          {
            stroke: '#71717a',
            grid: { stroke: '#f0f0f3' },
            size: 60,
            values: (_u, splits) => splits.map((v) => formatMetric(metric, v)),
          },
        ],
        series,
        hooks: { setCursor: [(u) => setHover(u.cursor.idx ?? null)] },
      },
      data,
      element,
    );
    const observer = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(300, element.clientWidth), height: 240 }),
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [key]);
  const index = hover ?? props.labels.length - 1;
  const label = props.labels[index];
  return (
    <div>
      <p class="chart-readout muted">
        {label !== undefined
          ? `${shortLabel(label, props.bucket)}: ${formatMetric(props.metric, props.values[index] ?? 0)} ${props.metricLabel.toLowerCase()}`
          : ' '}
        {label !== undefined && props.previous && (
          <span class="previous">
            {' '}
            · previous period {formatMetric(props.metric, props.previous[index] ?? 0)}
          </span>
        )}
      </p>
      <div ref={holder} class="chart" data-testid="chart" />
    </div>
  );
}
