import assert from 'node:assert/strict';
import { errorRegistry } from '../../packages/server/src/errors.ts';
import { encodeRequest, type RawRequest, type RawResponse, sendRaw } from './raw-http.ts';
import { addSite, startTestServer, type TestServer } from './test-server.ts';

/**
 * What every answer of the service must look like, whatever was sent: a response (the process
 * did not die), never a 5xx, refusals only as `{"error":{code,message,fields?}}` with a code,
 * status and sentence from errors.ts, and `Object.prototype` untouched.
 */

/** Per-IP limits are not under test in the fuzz files; they would turn the input into 429s. */
export const unlimited = [
  { limit: 1e9, windowMs: 10_000 },
  { limit: 1e9, windowMs: 3_600_000 },
];

/**
 * The server the fuzz files attack: no per-IP limit, loopback trusted as a proxy (so
 * X-Forwarded-For garbage is parsed, not just ignored), and one site; `target` is its ingest path.
 */
export async function startFuzzTarget(): Promise<{ server: TestServer; target: string }> {
  const server = await startTestServer({
    config: { ingestLimits: unlimited, trustedProxyCidrs: ['127.0.0.0/8'] },
  });
  return { server, target: `/e/${(await addSite(server)).trackingCode}` };
}

/** Taken when this module loads, before any request was sent. */
const objectPrototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

export function assertPrototypesClean(context: string): void {
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), objectPrototypeBefore, context);
  const probe = {} as Record<string, unknown>;
  assert.equal(probe.polluted, undefined, `${context}: Object.prototype.polluted exists`);
}

export function describeRequest(request: RawRequest): string {
  const body =
    request.body === undefined ? '' : Buffer.from(request.body).subarray(0, 300).toString('latin1');
  const headers = request.headers.map(([n, v]) => `${n}: ${v.slice(0, 80)}`).join(' | ');
  return `${request.method} ${request.target.slice(0, 200)} [${headers}] ${JSON.stringify(body)}`;
}

/** The properties every response must have, whatever was sent. */
export function assertWellBehaved(request: RawRequest, response: RawResponse | null): RawResponse {
  const context = describeRequest(request);
  assert.ok(response, `no response to ${context}`);
  assert.ok(response.status < 500, `${response.status} for ${context}: ${response.body}`);
  assertPrototypesClean(context);
  if (request.method === 'HEAD' || response.status === 204) return response;
  const body = JSON.parse(response.body.toString('utf8'));
  if (response.status >= 200 && response.status < 300) {
    if (request.method === 'POST') {
      assert.equal(response.status, 202, context);
      assert.deepEqual(Object.keys(body).sort(), ['duplicate', 'ok'], context);
      assert.equal(body.ok, true, context);
      assert.equal(typeof body.duplicate, 'boolean', context);
    }
    return response;
  }
  assert.deepEqual(Object.keys(body), ['error'], `${context}: ${response.body}`);
  const { code, message, fields, ...rest } = body.error;
  assert.deepEqual(rest, {}, `${context}: unexpected keys in ${response.body}`);
  assert.ok(Object.hasOwn(errorRegistry, code), `${context}: unknown code ${code}`);
  const entry = errorRegistry[code as keyof typeof errorRegistry];
  assert.equal(response.status, entry.status, `${context}: status of ${code}`);
  // BOT_DETECTED's sentence says which kind of agent was refused (ingest/bot-filter.ts); every
  // other code has its registry sentence.
  if (code === 'BOT_DETECTED')
    assert.match(message, /user_agent|headless browser/, `${context}: message of ${code}`);
  else assert.equal(message, entry.message, `${context}: message of ${code}`);
  if (fields !== undefined) {
    assert.ok(Array.isArray(fields) && fields.length > 0, context);
    for (const item of fields) {
      assert.equal(typeof item.field, 'string', context);
      assert.equal(typeof item.reason, 'string', context);
    }
  }
  return response;
}

export function post(
  target: string,
  body: string | Buffer,
  headers: Array<[string, string]> = [],
): RawRequest {
  const hasType = headers.some(([name]) => name.toLowerCase() === 'content-type');
  return {
    method: 'POST',
    target,
    headers: [
      ['Host', '127.0.0.1'],
      ['Connection', 'close'],
      ...(hasType ? [] : ([['Content-Type', 'application/json']] as Array<[string, string]>)),
      ...headers,
    ],
    body,
  };
}

export async function send(server: TestServer, request: RawRequest): Promise<RawResponse> {
  return assertWellBehaved(request, await sendRaw(server.port, encodeRequest(request)));
}

export function errorCode(response: RawResponse): string | undefined {
  if (response.status < 400 || response.body.length === 0) return undefined; // HEAD has no body
  return JSON.parse(response.body.toString()).error.code;
}
