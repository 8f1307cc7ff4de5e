import { useEffect, useState } from 'preact/hooks';
import { api, describeError } from '../api.ts';
import type { StatsQueryBody, StatsResult } from './queries.ts';

export interface Loaded<T> {
  readonly data: T | null;
  readonly error: string | null;
  readonly loading: boolean;
}

/**
 * GETs or POSTs whenever the request changes; a stale answer never overwrites a newer one.
 * `loading` is derived from the key the shown answer belongs to, so it is true in the very render
 * that changes the request, not one effect later.
 */
export function useApi<T>(load: (() => Promise<T>) | null, key: string): Loaded<T> {
  const [answer, setAnswer] = useState<{ key: string | null; data: T | null; error: string | null }>({
    key: null,
    data: null,
    error: null,
  });
  useEffect(() => {
    if (!load) return;
    let current = true;
    setAnswer((previous) => ({ ...previous, error: null }));
    load().then(
      (data) => current && setAnswer({ key, data, error: null }),
      (error: unknown) => current && setAnswer({ key, data: null, error: describeError(error) }),
    );
    return () => {
      current = false;
    };
  }, [key]);
  return { data: answer.data, error: answer.error, loading: load !== null && answer.key !== key };
}

/** One stats engine query for a site, through the dashboard's session-authenticated endpoint. */
export function useStats(siteId: string, body: StatsQueryBody | null): Loaded<StatsResult> {
  const key = body ? JSON.stringify(body) : '';
  return useApi(
    body ? () => api.post<StatsResult>(`/sites/${encodeURIComponent(siteId)}/query`, body) : null,
    key,
  );
}
