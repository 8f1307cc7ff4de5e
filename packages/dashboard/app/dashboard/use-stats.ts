import { useEffect, useState } from 'preact/hooks';
import { api, describeError } from '../api.ts';
import type { StatsQueryBody, StatsResult } from './queries.ts';

export interface Loaded<T> {
  readonly data: T | null;
  readonly error: string | null;
  readonly loading: boolean;
}

/** GETs or POSTs whenever the request changes; a stale answer never overwrites a newer one. */
export function useApi<T>(load: (() => Promise<T>) | null, key: string): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: null, error: null, loading: load !== null });
  useEffect(() => {
    if (!load) return;
    let current = true;
    setState((previous) => ({ data: previous.data, error: null, loading: true }));
    load().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: unknown) => current && setState({ data: null, error: describeError(error), loading: false }),
    );
    return () => {
      current = false;
    };
  }, [key]);
  return state;
}

/** One stats engine query for a site, through the dashboard's session-authenticated endpoint. */
export function useStats(siteId: string, body: StatsQueryBody | null): Loaded<StatsResult> {
  const key = body ? JSON.stringify(body) : '';
  return useApi(
    body ? () => api.post<StatsResult>(`/sites/${encodeURIComponent(siteId)}/query`, body) : null,
    key,
  );
}
