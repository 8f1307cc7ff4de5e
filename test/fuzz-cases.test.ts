import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  deepArray,
  deepObject,
  objectText,
  paddedEvent,
  validEntries,
  withField,
} from './support/hostile-bodies.ts';
import type { RawRequest } from './support/raw-http.ts';
import {
  assertPrototypesClean,
  errorCode,
  post,
  send,
  startFuzzTarget,
  unlimited,
} from './support/response-shape.ts';
import {
  addSite,
  startTestServer,
  stopAndRemove,
  storedEvents,
  type TestServer,
} from './support/test-server.ts';

/**
 * Hand-picked hostile requests with the exact refusal each deserves: the cases the random fuzzing
 * in fuzz.test.ts might not draw in a given run, pinned so every run covers them.
 */

describe('hostile requests to POST /e/{trackingCode} on the default 32 KiB cap', () => {
  let server: TestServer;
  let target: string;

  before(async () => {
    ({ server, target } = await startFuzzTarget());
  });
  after(() => stopAndRemove(server));

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
});

describe('lone surrogates in an event_id', () => {
  test('are one id in memory and in the file, so the dedupe holds across a restart', async () => {
    const first = await startTestServer();
    const dataDir = first.dataDir;
    try {
      const target = `/e/${(await addSite(first)).trackingCode}`;
      // DuckDB stores text as UTF-8, where a lone surrogate can only become U+FFFD.
      const body = withField('event_id', '"order-\\ud800"');
      assert.equal((await send(first, post(target, body))).status, 202);
      const sibling = withField('event_id', '"order-\\udfff"');
      const siblingReply = JSON.parse((await send(first, post(target, sibling))).body.toString());
      assert.equal(siblingReply.duplicate, true, 'order-\\udfff is stored as the same id as order-\\ud800');
      await first.stop();

      const second = await startTestServer({ dataDir });
      try {
        const reply = await send(second, post(target, body));
        assert.equal(JSON.parse(reply.body.toString()).duplicate, true, 'resent after the restart');
        const stored = await storedEvents(second, (await second.runtime.sites.list())[0]!.id);
        assert.deepEqual(
          stored.map((row) => row.event_id),
          ['order-\ufffd'],
        );
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
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
      await stopAndRemove(server);
    }
  });
});
