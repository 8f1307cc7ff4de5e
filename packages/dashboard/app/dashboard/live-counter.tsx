import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';

/** Polling period of the live counter (the public live endpoint suggests about 10 s). */
const refreshMs = 10_000;

/** Visitors in the last five minutes, refreshed on its own while the page is open. */
export function LiveCounter(props: { siteId: string }) {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    let stopped = false;
    const load = () =>
      api.get<{ visitors: number }>(`/sites/${encodeURIComponent(props.siteId)}/live`).then(
        (body) => !stopped && setCount(body.visitors),
        () => undefined,
      );
    void load();
    const timer = setInterval(load, refreshMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [props.siteId]);
  return (
    <span
      class="live"
      data-testid="live"
      title="Visitors with an event in the last 5 minutes; refreshes every 10 s"
    >
      <span class="live-dot" aria-hidden="true" />
      {count === null ? '…' : count.toLocaleString('en')} current {count === 1 ? 'visitor' : 'visitors'}
    </span>
  );
}
