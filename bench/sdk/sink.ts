import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { faultProfile } from '../../test/support/fault-proxy.ts';
import { freePort } from '../../test/support/ports.ts';

/** What the sink saw during one run. */
export interface SinkCounts {
  requests: number;
  /** Events in requests the sink acted on (stored), duplicates included. */
  eventsReceived: number;
  /** Distinct event ids stored: the events delivered. */
  distinct: number;
}

export interface Sink {
  readonly url: string;
  /** Clears counts and chooses clean or the fault profile for the next run. */
  reset(faults: boolean): void;
  counts(): SinkCounts;
  close(): Promise<void>;
}

/**
 * One local sink that speaks the three SDKs' batch formats and stores event ids in memory:
 * Zenovay `POST /api/v1/events` (`events[].event_id`), PostHog `POST /batch/` (gzip, `batch[].uuid`),
 * Segment `POST /v1/batch` (`batch[].messageId`). With faults on it behaves like the SDK fault test's
 * proxy: ~30% 503, ~10% stored then the socket destroyed, bursts of 429 with Retry-After: 1 lasting
 * 2 s each (time-based, so a client that obeys Retry-After is not stalled 25 times over).
 */
export async function startSink(): Promise<Sink> {
  let seen = new Set<string>();
  let requests = 0;
  let eventsReceived = 0;
  let decide: (() => ReturnType<ReturnType<typeof faultProfile>>) | null = null;

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests++;
      const fate = decide ? decide() : { kind: 'forward' as const };
      if (fate.kind === 'status') {
        const headers: Record<string, string> = {};
        if (fate.retryAfter !== undefined) headers['retry-after'] = fate.retryAfter;
        response.writeHead(fate.status, headers).end();
        return;
      }
      let raw = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
      const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      const { ids, reply } = read(request.url ?? '', body, seen);
      eventsReceived += ids.length;
      for (const id of ids) seen.add(id);
      if (fate.kind === 'forward-then-destroy') {
        request.socket.destroy();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    reset(faults) {
      seen = new Set();
      requests = 0;
      eventsReceived = 0;
      decide = faults ? faultProfile(20_260_310, { burstMs: 2_000 }) : null;
    },
    counts: () => ({ requests, eventsReceived, distinct: seen.size }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function read(
  path: string,
  body: Record<string, unknown>,
  seen: Set<string>,
): { ids: string[]; reply: unknown } {
  if (path.startsWith('/api/v1/events')) {
    const events = body.events as Array<{ event_id: string }>;
    const ids = events.map((event) => event.event_id);
    const results = ids.map((id, index) => ({
      index,
      ok: true,
      code: null,
      duplicate: seen.has(id),
      status: 202,
    }));
    return { ids, reply: { accepted: ids.length, duplicates: 0, refused: 0, results } };
  }
  const batch = body.batch as Array<{ uuid?: string; messageId?: string }>;
  return { ids: batch.map((event) => event.uuid ?? event.messageId ?? ''), reply: { status: 1 } };
}
