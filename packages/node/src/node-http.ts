import http from 'node:http';
import https from 'node:https';
import type { HttpAnswer } from './outcome.js';

export type Poster = (
  body: string | Buffer,
  headers: Record<string, string>,
  timeoutMs: number,
  cancel: AbortSignal,
  /** Called once the body has been handed over in full and the request is over: it may be reused. */
  bodyDone?: () => void,
) => Promise<HttpAnswer>;

/**
 * POSTs with node:http(s) over keep-alive sockets. Much lighter than `fetch` per request (no web
 * streams, Request/Response objects), which matters for peak memory when a large backlog drains.
 * Never throws: a timeout, an abort or a broken connection becomes a `failure` answer.
 */
export function nodeHttpPoster(url: string): Poster {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const transport = secure ? https : http;
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  return (body, headers, timeoutMs, cancel, bodyDone) =>
    new Promise<HttpAnswer>((resolve) => {
      let settled = false;
      const finish = (answer: HttpAnswer) => {
        if (settled) return;
        settled = true;
        cancel.removeEventListener('abort', onCancel);
        resolve(answer);
      };
      const request = transport.request(
        target,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...headers,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) =>
            finish({ kind: 'failure', code: 'NETWORK_ERROR', message: error.message }),
          );
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text === '' ? null : JSON.parse(text);
            } catch {
              // not JSON (a proxy's error page): keep the text
            }
            const retryAfter = response.headers['retry-after'];
            finish({
              kind: 'response',
              status: response.statusCode ?? 0,
              body: parsed,
              retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
            });
          });
        },
      );
      // Only a request that wrote all of its body is surely done with it (not one cut short).
      if (bodyDone) request.once('close', () => request.writableFinished && bodyDone());
      const onCancel = () => request.destroy(new Error('cancelled'));
      if (cancel.aborted) onCancel();
      else cancel.addEventListener('abort', onCancel, { once: true });
      request.setTimeout(timeoutMs, () => {
        finish({ kind: 'failure', code: 'TIMEOUT', message: `no answer within ${timeoutMs} ms` });
        request.destroy();
      });
      request.on('error', (error) =>
        finish({ kind: 'failure', code: 'NETWORK_ERROR', message: error.message }),
      );
      request.end(body);
    });
}
