import http from 'node:http';

/**
 * A small load generator for durability tests: several keep-alive connections, each bound to its
 * own 127.0.0.x source address, send events with unique `event_id`s as fast as the server answers,
 * and remember which ids got a 2xx. It stops when asked, or on its own once the server is gone.
 */

export interface LoadOptions {
  url: string;
  trackingCode: string;
  /** Makes every id of this load unique across rounds. */
  idPrefix: string;
  /** One keep-alive connection each. */
  connections: number;
  /** Connections are spread over these; the whole 127.0.0.0/8 is loopback on Linux. */
  sourceAddresses: readonly string[];
}

export interface LoadResult {
  /** Ids that got a 2xx: the server said they were committed. */
  acked: Set<string>;
  /** Ids sent without a 2xx (connection died, or a refusal): maybe stored, maybe not. */
  unacked: Set<string>;
  /** Count of responses per HTTP status, and of requests that died without one under 0. */
  statuses: Map<number, number>;
}

export interface RunningLoad {
  /**
   * Resolves once the first 2xx has arrived, so a kill lands on a server that is really under load;
   * rejects if none arrives within `timeoutMs` or the load ends without one.
   */
  firstAck(timeoutMs: number): Promise<void>;
  /** Asks the connections to stop and waits until each has. */
  stop(): Promise<LoadResult>;
  /** Waits for the connections to stop by themselves (after the server went away). */
  finished(): Promise<LoadResult>;
}

export function startLoad(options: LoadOptions): RunningLoad {
  const result: LoadResult = { acked: new Set(), unacked: new Set(), statuses: new Map() };
  let stopping = false;
  let markFirstAck: () => void = () => undefined;
  const firstAck = new Promise<void>((resolve) => {
    markFirstAck = resolve;
  });
  const count = (status: number) => result.statuses.set(status, (result.statuses.get(status) ?? 0) + 1);

  const runConnection = async (index: number) => {
    const localAddress = options.sourceAddresses[index % options.sourceAddresses.length]!;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let seq = 0; !stopping; seq++) {
        const eventId = `${options.idPrefix}-c${index}-${seq}`;
        result.unacked.add(eventId);
        const status = await postEvent(options, agent, localAddress, eventId);
        count(status);
        if (status >= 200 && status < 300) {
          result.unacked.delete(eventId);
          result.acked.add(eventId);
          markFirstAck();
        }
        if (status === 0) return; // the server is gone (killed or closed): this connection is done
      }
    } finally {
      agent.destroy();
    }
  };

  const connections = Promise.all(Array.from({ length: options.connections }, (_, i) => runConnection(i)));
  return {
    firstAck: async (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined;
      const failed = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no 2xx within ${timeoutMs} ms`)), timeoutMs);
        void connections.then(() => reject(new Error(`the load ended without a 2xx: ${summarize(result)}`)));
      });
      try {
        await Promise.race([firstAck, failed]);
      } finally {
        clearTimeout(timer);
      }
    },
    stop: async () => {
      stopping = true;
      await connections;
      return result;
    },
    finished: async () => {
      await connections;
      return result;
    },
  };
}

/** A one-line summary for assertion messages. */
export function summarize(load: LoadResult): string {
  const statuses = [...load.statuses].map(([status, n]) => `${status}:${n}`).join(' ');
  return `acked=${load.acked.size} unacked=${load.unacked.size} statuses={${statuses}}`;
}

/** An event as a server would send it; `event_id` is the idempotency key under test. */
export function eventBody(eventId: string): string {
  return JSON.stringify({
    event_type: 'custom',
    event_name: 'purchase',
    url: `https://example.com/checkout/${eventId}`,
    session_id: 'srv-load-session',
    device_type: 'server',
    browser: 'server',
    os: 'Linux',
    user_agent: 'MyApp-Server/1.0',
    properties: { order_id: eventId, value: 99.99 },
    event_id: eventId,
  });
}

/** The HTTP status, or 0 when the connection failed before a status arrived. */
function postEvent(options: LoadOptions, agent: http.Agent, localAddress: string, eventId: string) {
  return new Promise<number>((resolve) => {
    const body = eventBody(eventId);
    const request = http.request(
      `${options.url}/e/${options.trackingCode}`,
      {
        method: 'POST',
        agent,
        localAddress,
        timeout: 15_000,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        // The status line is the server's word: a 2xx is sent only after COMMIT.
        const status = response.statusCode ?? 0;
        response.resume();
        response.on('end', () => resolve(status));
        response.on('error', () => resolve(status));
        response.on('close', () => resolve(status));
      },
    );
    request.on('timeout', () => request.destroy(new Error('request timed out')));
    request.on('error', () => resolve(0));
    request.end(body);
  });
}

/** Sends one event on a fresh connection and returns the status and parsed body. */
export function sendOnce(
  url: string,
  trackingCode: string,
  eventId: string,
): Promise<{ status: number; body: { ok?: boolean; duplicate?: boolean } }> {
  return new Promise((resolve, reject) => {
    const body = eventBody(eventId);
    const request = http.request(
      `${url}/e/${trackingCode}`,
      {
        method: 'POST',
        agent: false,
        timeout: 15_000,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          try {
            resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) });
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error('request timed out')));
    request.on('error', reject);
    request.end(body);
  });
}
