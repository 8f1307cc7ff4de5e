import http from 'node:http';
import type { TestServer } from './test-server.ts';

/** A response read as text and, when it parses, JSON; headers as node:http gives them (lower-case). */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are arbitrary JSON
  body: any;
}

/**
 * One HTTP request to 127.0.0.1:port from a chosen local source address (any 127.0.0.0/8 address
 * works on Linux loopback), so tests can act as several clients. `fetch` cannot bind its socket;
 * node:http can. The body goes as given; nothing is added to the headers.
 */
export function send(
  port: number,
  options: {
    method?: string;
    path: string;
    body?: string | Buffer;
    headers?: Record<string, string>;
    localAddress?: string;
  },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path,
        localAddress: options.localAddress ?? '127.0.0.1',
        agent: false,
        headers: options.headers,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, body });
        });
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** `send` to the test server, with a JSON body (a string goes as it is) and its content type. */
export function requestFrom(
  server: TestServer,
  options: {
    method?: string;
    path: string;
    body?: unknown;
    headers?: Record<string, string>;
    localAddress?: string;
  },
): Promise<RawResponse> {
  const payload =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  return send(server.port, {
    ...options,
    body: payload,
    headers: {
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
  });
}

/** `POST /e/{code}` from a chosen source address. */
export function postEventFrom(
  server: TestServer,
  trackingCode: string,
  body: unknown,
  localAddress: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return requestFrom(server, { path: `/e/${trackingCode}`, body, headers, localAddress });
}
