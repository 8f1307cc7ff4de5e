import type { Poster } from './node-http.js';
import type { HttpAnswer } from './outcome.js';

/** A poster over a caller-supplied `fetch` (e.g. one bound to a proxy agent). */
export function fetchPoster(fetchImpl: typeof fetch, url: string): Poster {
  return (body, headers, timeoutMs, cancel) => postJson(fetchImpl, url, body, headers, timeoutMs, cancel);
}

/**
 * POSTs a JSON body and reads the whole answer (so the connection can be reused). Never throws:
 * a timeout, an abort or a broken connection becomes a `failure` answer.
 */
export async function postJson(
  fetchImpl: typeof fetch,
  url: string,
  body: string | Buffer,
  headers: Record<string, string>,
  timeoutMs: number,
  cancel: AbortSignal,
): Promise<HttpAnswer> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onCancel = () => controller.abort();
  if (cancel.aborted) controller.abort();
  else cancel.addEventListener('abort', onCancel, { once: true });
  try {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      // A Buffer is a Uint8Array, which fetch takes; TypeScript's BodyInit wants an ArrayBuffer-backed one.
      body: body as string | Uint8Array<ArrayBuffer>,
      signal: controller.signal,
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON (a proxy's error page): keep the text
    }
    return {
      kind: 'response',
      status: response.status,
      body: parsed,
      retryAfter: response.headers.get('retry-after'),
    };
  } catch (error) {
    const message = error instanceof Error ? describe(error) : String(error);
    return timedOut
      ? { kind: 'failure', code: 'TIMEOUT', message: `no answer within ${timeoutMs} ms` }
      : { kind: 'failure', code: 'NETWORK_ERROR', message };
  } finally {
    clearTimeout(timer);
    cancel.removeEventListener('abort', onCancel);
  }
}

/** fetch's "fetch failed" hides the real reason in `cause`. */
function describe(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return `${error.message}: ${cause.message}`;
  return error.message;
}
