import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { errorRegistry } from '../packages/server/src/errors.ts';
import {
  deepArray,
  deepObject,
  hostileRequest,
  objectText,
  paddedEvent,
  validEntries,
} from './support/hostile-requests.ts';
import { encodeRequest, type RawRequest, type RawResponse, sendRaw } from './support/raw-http.ts';
import { addSite, startTestServer, storedEvents, type TestServer } from './support/test-server.ts';

/**
 * Hostile input against the real service over real HTTP: malformed, oversized, deeply nested,
 * wrongly typed and `__proto__`-laden bodies, odd content types, headers and paths. Whatever
 * arrives, the server answers without a 5xx, every refusal has the one error shape with a code
 * from the registry, the process keeps serving, and no prototype is polluted.
 */

/** Set ZENOVAY_FUZZ_SEED to replay a failure that fast-check reported. */
const seed = process.env.ZENOVAY_FUZZ_SEED ? Number(process.env.ZENOVAY_FUZZ_SEED) : undefined;
const fuzzTimeMs = 20_000;
const unlimited = [
  { limit: 1e9, windowMs: 10_000 },
  { limit: 1e9, windowMs: 3_600_000 },
];

const objectPrototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

function assertPrototypesClean(context: string): void {
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), objectPrototypeBefore, context);
  const probe = {} as Record<string, unknown>;
  assert.equal(probe.polluted, undefined, `${context}: Object.prototype.polluted exists`);
}

function describeRequest(request: RawRequest): string {
  const body =
    request.body === undefined ? '' : Buffer.from(request.body).subarray(0, 300).toString('latin1');
  const headers = request.headers.map(([n, v]) => `${n}: ${v.slice(0, 80)}`).join(' | ');
  return `${request.method} ${request.target.slice(0, 200)} [${headers}] ${JSON.stringify(body)}`;
}

/** The properties every response must have, whatever was sent. */
function assertWellBehaved(request: RawRequest, response: RawResponse | null): RawResponse {
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
  assert.equal(message, entry.message, `${context}: message of ${code}`);
  if (fields !== undefined) {
    assert.ok(Array.isArray(fields) && fields.length > 0, context);
    for (const item of fields) {
      assert.equal(typeof item.field, 'string', context);
      assert.equal(typeof item.reason, 'string', context);
    }
  }
  return response;
}

function post(target: string, body: string | Buffer, headers: Array<[string, string]> = []): RawRequest {
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

async function send(server: TestServer, request: RawRequest): Promise<RawResponse> {
  return assertWellBehaved(request, await sendRaw(server.port, encodeRequest(request)));
}

function errorCode(response: RawResponse): string | undefined {
  if (response.status < 400 || response.body.length === 0) return undefined; // HEAD has no body
  return JSON.parse(response.body.toString()).error.code;
}

function withField(field: string, valueText: string): string {
  return objectText([...validEntries(`typed-${field}`).filter(([key]) => key !== field), [field, valueText]]);
}

describe('fuzzing POST /e/{trackingCode} on the default 32 KiB cap', () => {
  let server: TestServer;
  let target: string;

  before(async () => {
    // Loopback is a trusted proxy here, so X-Forwarded-For garbage is parsed, not just ignored.
    server = await startTestServer({
      config: { ingestLimits: unlimited, trustedProxyCidrs: ['127.0.0.0/8'] },
    });
    target = `/e/${(await addSite(server)).trackingCode}`;
  });
  after(async () => {
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  test('hand-picked hostile bodies get the refusal they deserve', async () => {
    const cap = server.runtime.config.maxBodyBytes;
    const cases: Array<[string, string | Buffer, string | undefined]> = [
      ['truncated JSON', '{"url":', 'INVALID_JSON'],
      ['empty body', '', 'INVALID_JSON'],
      ['not UTF-8', Buffer.from([0xff, 0xfe, 0x7b]), 'INVALID_JSON'],
      ['an array', '[]', 'NOT_AN_OBJECT'],
      ['a string', '"event"', 'NOT_AN_OBJECT'],
      ['null', 'null', 'NOT_AN_OBJECT'],
      ['16,000 nested arrays (within the cap)', deepArray(16_000), 'NOT_AN_OBJECT'],
      ['5,000 nested objects (within the cap)', deepObject(5_000), 'VALIDATION_ERROR'],
      ['32,000 unclosed brackets', '['.repeat(32_000), 'INVALID_JSON'],
      ['100,000 nested arrays (over the cap)', deepArray(100_000), 'PAYLOAD_TOO_LARGE'],
      ['an event of exactly the cap', paddedEvent(cap, 'at-cap'), undefined],
      ['an event one byte over the cap', paddedEvent(cap + 1), 'PAYLOAD_TOO_LARGE'],
      ['an event of 1 MB', paddedEvent(1_000_000), 'PAYLOAD_TOO_LARGE'],
      [
        'nesting inside properties',
        objectText([...validEntries('nested'), ['properties', `{"a":${deepArray(5_000)}}`]]),
        'VALIDATION_ERROR',
      ],
      [
        '__proto__ holding an object inside properties',
        objectText([...validEntries('proto-nested'), ['properties', '{"__proto__":{"polluted":"yes"}}']]),
        'VALIDATION_ERROR',
      ],
      ['Infinity as a property value', withField('properties', '{"big":1e999}'), 'VALIDATION_ERROR'],
    ];
    for (const [name, body, expected] of cases) {
      const response = await send(server, post(target, body));
      assert.equal(errorCode(response), expected, `${name}: ${response.status} ${response.body}`);
      if (expected === undefined) assert.equal(response.status, 202, name);
    }
  });

  test('a wrong type in every field is refused naming that field', async () => {
    const wrong: Record<string, string[]> = {
      session_id: ['12345678', 'true', '["srv-9f2a7c41bd"]', '{"a":"b"}'],
      url: ['42', '"not a url"', '"javascript:alert(1)"', '["https://example.com"]'],
      device_type: ['1', 'false', '{}', '""'],
      browser: ['1', '[]', '"   "'],
      os: ['1', '{}'],
      user_agent: ['1', '["MyApp-Server/1.0"]'],
      event_type: ['1', '"click"', '{}'],
      event_name: ['1', '[]'],
      properties: ['"a=b"', '[1,2]', '1', '{"nested":{"a":1}}', '{"n":null}'],
      referrer: ['1', '"not a url"', '{}'],
      visitor_id: ['1', '"short"', '[]'],
      event_id: ['1', '{}', `"${'e'.repeat(129)}"`],
    };
    for (const [field, values] of Object.entries(wrong)) {
      for (const value of values) {
        const response = await send(server, post(target, withField(field, value)));
        const context = `${field}=${value}: ${response.body}`;
        assert.equal(errorCode(response), 'VALIDATION_ERROR', context);
        const named = JSON.parse(response.body.toString()).error.fields.map(
          (f: { field: string }) => f.field,
        );
        assert.ok(
          named.some((name: string) => name.startsWith(field)),
          context,
        );
      }
    }
  });

  test('__proto__, constructor and prototype keys are plain data', async () => {
    const dangerous = ['__proto__', 'constructor', 'prototype'];
    const topLevel = dangerous.map((key) => [key, '{"polluted":"yes"}'] as [string, string]);
    const properties = objectText(dangerous.map((key) => [key, '"yes"']));
    const body = objectText([...validEntries('proto-keys'), ...topLevel, ['properties', properties]]);
    const response = await send(server, post(`${target}?__proto__[polluted]=1`, body));
    assert.equal(response.status, 202, response.body.toString());
    const site = server.runtime.sites;
    const [stored] = (await storedEvents(server, (await site.list())[0]!.id)).filter(
      (row) => row.event_id === 'proto-keys',
    );
    assert.deepEqual(stored?.prop_keys, dangerous);
    assertPrototypesClean('after __proto__ keys');
  });

  test('odd strings, content types, headers and paths', async () => {
    const lone = withField('session_id', '"srv-\\ud800-lone-surrogate"');
    const control = withField('browser', '"\\u0007\\u001b[31m\\u202e"');
    const cases: Array<[string, RawRequest, string | undefined]> = [
      ['a lone surrogate', post(target, lone), undefined],
      ['control characters', post(target, control), undefined],
      [
        'text/plain beacon',
        post(target, paddedEvent(500, 'beacon'), [['Content-Type', 'text/plain']]),
        undefined,
      ],
      [
        'no content type',
        {
          ...post(target, '{}'),
          headers: [
            ['Host', 'x'],
            ['Connection', 'close'],
          ],
        },
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'an XML content type',
        post(target, '<a/>', [['Content-Type', 'application/xml']]),
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      ['a garbage Origin', post(target, paddedEvent(500), [['Origin', '%%%:://']]), 'ORIGIN_NOT_ALLOWED'],
      [
        'two Origins',
        post(target, paddedEvent(500), [
          ['Origin', 'https://example.com'],
          ['Origin', 'https://evil.com'],
        ]),
        'ORIGIN_NOT_ALLOWED',
      ],
      [
        'a garbage X-Forwarded-For',
        post(target, paddedEvent(500, 'xff'), [['X-Forwarded-For', '<script>, 999.1.1.1,,']]),
        undefined,
      ],
      ['a 17 KB header', post(target, '{}', [['X-Filler', 'x'.repeat(17_000)]]), 'HEADERS_TOO_LARGE'],
      [
        'a control character in a header',
        post(target, '{}', [['Origin', 'https://example.com\u0001']]),
        'MALFORMED_REQUEST',
      ],
      [
        'two different Content-Lengths',
        {
          ...post(target, '{}', [
            ['Content-Length', '2'],
            ['Content-Length', '3'],
          ]),
          contentLength: false,
        },
        'MALFORMED_REQUEST',
      ],
      ['a bad percent-encoding in the path', post('/e/%E0%A4%A', '{}'), 'MALFORMED_REQUEST'],
      ['an encoded slash in the code', post(`${target}%2F..%2Fhealthz`, '{}'), 'UNKNOWN_TRACKING_CODE'],
      ['a unicode code', post(`/e/${encodeURIComponent('ZV_ünïcødé')}`, '{}'), 'UNKNOWN_TRACKING_CODE'],
      ['a 101-character code', post(`/e/${'Z'.repeat(101)}`, '{}'), 'NOT_FOUND'],
      ['a 20,000-character path', post(`/e/${'Z'.repeat(20_000)}`, '{}'), 'HEADERS_TOO_LARGE'],
    ];
    for (const [name, request, expected] of cases) {
      const response = await send(server, request);
      assert.equal(errorCode(response), expected, `${name}: ${response.status} ${response.body}`);
    }
  });

  test(`random hostile requests for ${fuzzTimeMs / 1000} s: no 5xx, one error shape, no pollution`, async (t) => {
    const arbitrary = hostileRequest({
      trackingCode: target.slice(3),
      maxBodyBytes: server.runtime.config.maxBodyBytes,
    });
    const outcomes = new Map<string, number>();
    const details = await fc.check(
      fc.asyncProperty(arbitrary, async (request) => {
        const response = assertWellBehaved(request, await sendRaw(server.port, encodeRequest(request)));
        const outcome = `${response.status} ${errorCode(response) ?? ''}`.trim();
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      { numRuns: 1_000_000, seed, plugins: [fc.interruptAfterTimeLimit(fuzzTimeMs)] },
    );
    const seen = [...outcomes].sort((a, b) => b[1] - a[1]).map(([outcome, n]) => `${outcome}: ${n}`);
    t.diagnostic(`${details.numRuns} requests, seed ${details.seed}; ${seen.join(', ')}`);
    if (details.failed) {
      throw new Error(fc.defaultReportMessage(details) ?? 'property failed', {
        cause: details.errorInstance,
      });
    }
  });

  test('afterwards the server is healthy and still stores a valid event', async () => {
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    const response = await send(server, post(target, paddedEvent(300, 'after-fuzz')));
    assert.equal(response.status, 202);
    assert.equal(JSON.parse(response.body.toString()).duplicate, false);
  });
});

describe('nesting far beyond the default cap (1 MiB cap)', () => {
  test('200,000 levels of arrays and objects are refused cleanly', async () => {
    const server = await startTestServer({ config: { ingestLimits: unlimited, maxBodyBytes: 1_048_576 } });
    try {
      const target = `/e/${(await addSite(server)).trackingCode}`;
      const cases: Array<[string, string, string]> = [
        ['200,000 nested arrays', deepArray(200_000), 'NOT_AN_OBJECT'],
        ['100,000 nested objects', deepObject(100_000), 'VALIDATION_ERROR'],
        ['1,000,000 unclosed brackets', '['.repeat(1_000_000), 'INVALID_JSON'],
        [
          '200,000 levels inside properties',
          objectText([...validEntries('deep'), ['properties', `{"a":${deepArray(200_000)}}`]]),
          'VALIDATION_ERROR',
        ],
      ];
      for (const [name, body, expected] of cases) {
        const response = await send(server, post(target, body));
        assert.equal(errorCode(response), expected, `${name}: ${response.status} ${response.body}`);
      }
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    } finally {
      await server.stop();
      fs.rmSync(server.dataDir, { recursive: true, force: true });
    }
  });
});
