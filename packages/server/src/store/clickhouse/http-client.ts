import { type ClickHouseClient, pinnedSettings } from './client.ts';

/**
 * ClickHouse over its HTTP interface with plain `fetch` (the official client does not speak to
 * 18.16): the statement travels in the body, settings in the query string. A non-2xx answer is an
 * error carrying ClickHouse's message. Every request carries `pinnedSettings` (client.ts).
 */
export class ClickHouseHttp implements ClickHouseClient {
  constructor(
    private readonly baseUrl: string,
    private readonly settings: Record<string, string> = {},
    private readonly timeoutMs = 30_000,
  ) {}

  get url(): string {
    return this.baseUrl;
  }

  /** The same server with more settings (or URL parameters such as `session_id`). */
  withSettings(settings: Record<string, string>): ClickHouseHttp {
    return new ClickHouseHttp(this.baseUrl, { ...this.settings, ...settings }, this.timeoutMs);
  }

  /** Runs a statement; returns the raw response text. */
  async exec(sql: string, settings: Record<string, string> = {}): Promise<string> {
    const url = new URL(this.baseUrl);
    for (const [key, value] of Object.entries({ ...pinnedSettings, ...this.settings, ...settings }))
      url.searchParams.set(key, value);
    const response = await fetch(url, {
      method: 'POST',
      body: sql,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) throw new ClickHouseError(text.trim().slice(0, 500), response.status);
    return text;
  }

  /** Runs a SELECT and parses its `FORMAT JSONEachRow` answer. */
  async rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const text = await this.exec(`${sql}\nFORMAT JSONEachRow`);
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as T);
  }

  /**
   * Runs a SELECT and yields its `JSONEachRow` answer in batches of at most `batchSize` rows as the
   * response arrives: the socket is read only as fast as the consumer pulls, so memory stays flat.
   * Returning early cancels the response.
   */
  async *streamRows<T = Record<string, unknown>>(sql: string, batchSize = 2_048): AsyncGenerator<T[]> {
    const url = new URL(this.baseUrl);
    for (const [key, value] of Object.entries({ ...pinnedSettings, ...this.settings }))
      url.searchParams.set(key, value);
    const response = await fetch(url, { method: 'POST', body: `${sql}\nFORMAT JSONEachRow` });
    if (!response.ok)
      throw new ClickHouseError((await response.text()).trim().slice(0, 500), response.status);
    if (!response.body) return;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let pending = '';
    let batch: T[] = [];
    try {
      for (;;) {
        const { done, value } = await reader.read();
        pending += done ? decoder.decode() : decoder.decode(value, { stream: true });
        const lines = pending.split('\n');
        pending = done ? '' : lines.pop()!;
        for (const line of lines) {
          if (line === '') continue;
          batch.push(JSON.parse(line) as T);
          if (batch.length >= batchSize) {
            yield batch;
            batch = [];
          }
        }
        if (done) break;
      }
      if (batch.length > 0) yield batch;
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }

  async ping(): Promise<boolean> {
    try {
      const response = await fetch(new URL('/ping', this.baseUrl), { signal: AbortSignal.timeout(2_000) });
      return response.ok;
    } catch {
      return false;
    }
  }
}

export class ClickHouseError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}
