import http from 'node:http';
import type { Site } from '../packages/server/src/store/types.ts';
import { freePort } from './support/ports.ts';
import { serverDefaults, storedEvents, type TestServer } from './support/test-server.ts';

/** Public addresses the bundled DB-IP Lite file places in the US and in Great Britain. */
export const usVisitor = '8.8.8.8';
export const gbVisitor = '81.2.69.142';

let sequence = 0;

/** An event body as the browser tracker would send it, with a session id to find it by. */
export function trackerEvent(site: Site): { body: string; marker: string } {
  const marker = `proxy-test-${process.pid}-${++sequence}`;
  const event = {
    ...serverDefaults,
    user_agent:
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
    url: `https://${site.domain}/pricing`,
    session_id: marker,
  };
  return { body: JSON.stringify(event), marker };
}

/** The stored row of an event sent with `trackerEvent`. */
export async function storedRow(
  server: TestServer,
  site: Site,
  marker: string,
): Promise<Record<string, unknown>> {
  const row = (await storedEvents(server, site.id)).find((item) => item.session_id === marker);
  if (!row) throw new Error(`event ${marker} was not stored`);
  return row;
}

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
}

export interface Recorder {
  readonly url: string;
  /** Every request that reached the hop, with the headers exactly as they arrived. */
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

/**
 * A transparent hop in front of the analytics server that writes down what reaches it: the
 * evidence for what a proxy forwards. It passes method, path, headers (all but Host) and body on
 * unchanged, and streams the answer back.
 */
export async function startRecorder(target: TestServer): Promise<Recorder> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((request, response) => {
    seen.push({ method: request.method ?? '', path: request.url ?? '', headers: { ...request.headers } });
    const { host: _host, ...headers } = request.headers;
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: target.port,
        method: request.method,
        path: request.url,
        headers,
        agent: false,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
