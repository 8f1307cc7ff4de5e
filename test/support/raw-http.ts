import net from 'node:net';

/**
 * HTTP/1.1 by hand over a TCP socket: sends bytes exactly as given, so tests can send what `fetch`
 * and `node:http` refuse to (control characters in headers, duplicate Content-Length, broken
 * framing, bytes that are not UTF-8), and reads back the first response.
 */

export interface RawResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export interface RawRequest {
  method: string;
  /** Sent verbatim in the request line. */
  target: string;
  /** Sent verbatim, in order; duplicates allowed. */
  headers: ReadonlyArray<readonly [string, string]>;
  body?: Buffer | string;
  /** Adds a correct Content-Length unless the headers already carry one (default true). */
  contentLength?: boolean;
}

/** Builds the request bytes; header names and values are written as latin1 bytes. */
export function encodeRequest(request: RawRequest): Buffer {
  const body =
    typeof request.body === 'string' ? Buffer.from(request.body) : (request.body ?? Buffer.alloc(0));
  const headers = [...request.headers];
  const hasLength = headers.some(([name]) => name.toLowerCase() === 'content-length');
  const chunked = headers.some(([name]) => name.toLowerCase() === 'transfer-encoding');
  if ((request.contentLength ?? true) && !hasLength && !chunked)
    headers.push(['Content-Length', `${body.length}`]);
  const head = `${request.method} ${request.target} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/**
 * Sends the bytes on a new connection and resolves with the first complete response. Resolves
 * `null` when the connection ends without one; rejects if nothing complete arrives in `timeoutMs`.
 */
export function sendRaw(port: number, bytes: Buffer, timeoutMs = 10_000): Promise<RawResponse | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let received = Buffer.alloc(0);
    let settled = false;
    // The answer to HEAD announces a Content-Length but carries no body.
    const head = bytes.subarray(0, 5).toString('latin1') === 'HEAD ';
    const finish = (outcome: RawResponse | null | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(
      () => finish(new Error(`no complete response within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const parsed = (): RawResponse | null | Error => {
      try {
        return parseResponse(received, head);
      } catch (error) {
        return error as Error;
      }
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const response = parsed();
      if (response) finish(response);
    });
    // The server may answer early (413 on the declared length) and close while we still write:
    // what matters is the response, so errors only end the wait.
    socket.on('error', () => finish(parsed()));
    socket.on('close', () => finish(parsed()));
    socket.write(bytes);
  });
}

/** The first final response in `data` if it is complete (Content-Length or chunked framing), else null. */
export function parseResponse(data: Buffer, head = false): RawResponse | null {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const [statusLine = '', ...lines] = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!match) throw new Error(`not an HTTP response: ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const rest = data.subarray(headEnd + 4);
  const status = Number(match[1]);
  // An interim response (100 Continue) has no body; the real one follows it.
  if (status < 200) return parseResponse(rest, head);
  if (head) return { status, headers, body: Buffer.alloc(0) };
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    const body = dechunk(rest);
    return body ? { status, headers, body } : null;
  }
  const length = Number(headers['content-length'] ?? 0);
  if (rest.length < length) return null;
  return { status, headers, body: rest.subarray(0, length) };
}

function dechunk(data: Buffer): Buffer | null {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd < 0) return null;
    const size = Number.parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (size === 0) return Buffer.concat(parts);
    if (data.length < lineEnd + 2 + size + 2) return null;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}
