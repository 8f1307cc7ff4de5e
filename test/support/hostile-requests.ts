import fc from 'fast-check';
import type { RawRequest } from './raw-http.ts';

/**
 * Generators of hostile requests for `POST /e/{trackingCode}`: bodies that are malformed,
 * oversized, deeply nested, wrongly typed or `__proto__`-laden, with odd content types, headers and
 * paths. JSON is built as text, so keys such as `__proto__` and duplicate keys reach the server
 * exactly as written (a JS object literal would turn `__proto__` into a prototype instead).
 */

export interface HostileContext {
  trackingCode: string;
  /** The server's body cap, so sizes cluster around it. */
  maxBodyBytes: number;
}

const dangerousKeys = ['__proto__', 'constructor', 'prototype'] as const;
const fields = [
  'session_id',
  'url',
  'device_type',
  'browser',
  'os',
  'user_agent',
  'event_type',
  'event_name',
  'properties',
  'referrer',
  'visitor_id',
  'event_id',
] as const;

/** A valid event as `[key, JSON text]` entries, the base every body mutation starts from. */
export function validEntries(eventId: string): Array<[string, string]> {
  const event: Record<string, unknown> = {
    event_type: 'custom',
    event_name: 'purchase',
    url: 'https://example.com/checkout/success?utm_source=fuzz',
    referrer: 'https://example.com/cart',
    session_id: 'srv-9f2a7c41bd',
    device_type: 'server',
    browser: 'server',
    os: 'Linux',
    user_agent: 'MyApp-Server/1.0',
    properties: { order_id: 'ORD-12345', value: 99.99, paid: true },
    event_id: eventId,
  };
  return Object.entries(event).map(([key, value]) => [key, JSON.stringify(value)]);
}

export function objectText(entries: ReadonlyArray<readonly [string, string]>): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
}

/** Strings that have broken parsers, databases and logs before. */
const nastyStrings = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'a\ud834b',
  '\udfff\ud800',
  '\u202e\u0007\u001b[31m',
  '\ufeff',
  '\r\n\r\nHTTP/1.1 200 OK',
  '💩'.repeat(50),
  'x'.repeat(5_000),
  '__proto__',
  'constructor',
  'javascript:alert(1)',
  'https://',
  'http://[::1',
  'https://example.com/%zz%',
  'https://user:pass@example.com:99999/',
  "'; DROP TABLE events; --",
  '$\u007bjndi:ldap://x}',
];

const weirdString = fc.oneof(
  fc.constantFrom(...nastyStrings),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

/** A JSON value as text, including number tokens JSON.parse turns into Infinity or -0. */
const weirdValueText: fc.Arbitrary<string> = fc.oneof(
  weirdString.map((s) => JSON.stringify(s)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc.constantFrom(
    '1e999',
    '-1e999',
    '-0',
    '1e-400',
    '123456789012345678901234567890',
    'true',
    'null',
    '[]',
    '{}',
  ),
  fc.constantFrom(...dangerousKeys).map((key) => `{${JSON.stringify(key)}:{"polluted":"yes"}}`),
);

const propertiesText = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...dangerousKeys), weirdString), weirdValueText), {
    maxLength: 60,
  })
  .map((entries) => objectText(entries));

/** A mostly valid event with some fields replaced, removed, duplicated or joined by dangerous keys. */
const mutatedEventText = fc
  .record({
    eventId: fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme-ascii' }),
    replace: fc.array(fc.tuple(fc.constantFrom(...fields), weirdValueText), { maxLength: 2 }),
    // Mostly complete events, so the checks after "is every field there" get their share.
    remove: fc.oneof({ weight: 4, arbitrary: fc.constant([] as string[]) }, fc.subarray<string>([...fields])),
    properties: fc.option(propertiesText, { freq: 2 }),
    extra: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...dangerousKeys), weirdString), weirdValueText), {
      maxLength: 3,
    }),
  })
  .map(({ eventId, replace, remove, properties, extra }) => {
    const entries = validEntries(`fuzz-${eventId}`).filter(([key]) => !remove.includes(key));
    const replaced = new Map([...entries, ...replace]);
    if (properties !== null) replaced.set('properties', properties);
    // Extra entries go last, so a duplicate key overrides the valid value as JSON.parse does.
    return objectText([...replaced, ...extra]);
  });

export function deepArray(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

export function deepObject(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A valid event padded (with an unknown top-level key) to exactly `size` bytes, when it can be. */
export function paddedEvent(size: number, eventId = 'padded'): string {
  const base = objectText([...validEntries(eventId), ['padding', '""']]);
  const pad = Math.max(0, size - Buffer.byteLength(base));
  return objectText([...validEntries(eventId), ['padding', JSON.stringify('p'.repeat(pad))]]);
}

function bodyText(context: HostileContext): fc.Arbitrary<Buffer> {
  const text = fc.oneof(
    { weight: 6, arbitrary: mutatedEventText },
    { weight: 1, arbitrary: mutatedEventText.chain((t) => fc.nat(t.length).map((n) => t.slice(0, n))) },
    { weight: 1, arbitrary: weirdString },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? '') },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom(deepArray, deepObject))
        .map(([depth, nest]) => nest(depth)),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: 5_000 }).map((depth) => {
        const entries = validEntries('deep-prop');
        return objectText([
          ...entries.filter(([k]) => k !== 'properties'),
          ['properties', `{"a":${deepArray(depth)}}`],
        ]);
      }),
    },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 40_000 }).map((depth) => '['.repeat(depth)) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.integer({ min: context.maxBodyBytes - 64, max: context.maxBodyBytes + 64 }),
          fc.constantFrom(100_000, 1_000_000),
        )
        .map((size) => paddedEvent(size)),
    },
  );
  return fc.oneof(
    { weight: 8, arbitrary: text.map((t) => Buffer.from(t, 'utf8')) },
    { weight: 1, arbitrary: text.map((t) => Buffer.from(t, 'utf16le')) },
    {
      weight: 1,
      arbitrary: text.map((t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t)])),
    },
    // Bytes that are not UTF-8, inside an otherwise valid event and on their own.
    {
      weight: 1,
      arbitrary: fc.uint8Array({ minLength: 1, maxLength: 16 }).map((bytes) =>
        Buffer.concat([
          Buffer.from('{"session_id":"'),
          Buffer.from(bytes),
          Buffer.from(
            `",${validEntries('bytes')
              .map(([k, v]) => `"${k}":${v}`)
              .slice(1)
              .join(',')}}`,
          ),
        ]),
      ),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)) },
  );
}

const contentTypes = [
  'application/json',
  'text/plain',
  'application/json; charset=utf-8',
  'text/plain;charset=UTF-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset="utf-8"',
  'APPLICATION/JSON',
  'Application/Json ; Charset=UTF-8',
  'text/plain; charset=utf-8; foo=bar',
  'application/jsonx',
  'application/json-patch+json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'text/html',
  '*/*',
  '',
  ';',
  'application/',
  '/json',
];

/** Header values as latin1 text: every byte 0x00-0xff can occur, as on the wire. */
const garbageHeaderValue = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary-ascii', maxLength: 60 }),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.constantFrom('x'.repeat(1_000), 'x'.repeat(8_000), 'x'.repeat(17_000), 'x'.repeat(70_000)),
);

const headerArbitrary = fc.record({
  contentType: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...contentTypes).map((v) => [v]) },
    { weight: 1, arbitrary: fc.constant([] as string[]) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...contentTypes), fc.constantFrom(...contentTypes)) },
    { weight: 1, arbitrary: garbageHeaderValue.map((v) => [v]) },
  ),
  origin: fc.oneof(
    { weight: 4, arbitrary: fc.constant([] as string[]) },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(
          'https://example.com',
          'https://shop.example.com',
          'http://example.com:8080',
          'https://evil.com',
          'https://example.com.evil.com',
          'https://evilexample.com',
          'null',
          'file://',
          'https://EXAMPLE.COM',
          'https://xn--80ak6aa92e.com',
        )
        .map((v) => [v]),
    },
    { weight: 1, arbitrary: fc.array(garbageHeaderValue, { minLength: 1, maxLength: 3 }) },
  ),
  forwardedFor: fc.oneof(
    { weight: 4, arbitrary: fc.constant([] as string[]) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(
          '1.2.3.4',
          '1.2.3.4, 10.0.0.1',
          'unknown',
          '::1',
          '[::1]:80',
          ',,,',
          '999.1.1.1',
          '1.2.3.4'.repeat(500),
        )
        .map((v) => [v]),
    },
    { weight: 1, arbitrary: fc.array(garbageHeaderValue, { minLength: 1, maxLength: 3 }) },
  ),
  extra: fc.array(
    fc.oneof(
      fc.tuple(
        fc.constantFrom(
          'X-Filler',
          'Cookie',
          'Referer',
          'User-Agent',
          'Accept',
          'X-Zenovay-Proxy-Key',
          'X-Request-Id',
        ),
        garbageHeaderValue,
      ),
      fc.constantFrom<[string, string]>(
        ['Content-Encoding', 'gzip'],
        ['Expect', '100-continue'],
        ['Connection', 'keep-alive'],
        ['Upgrade', 'websocket'],
        ['Accept-Charset', 'utf-16'],
        ['Host', ''],
        ['Host', 'example.com'],
        ['__proto__', 'polluted'],
        ['constructor', 'polluted'],
      ),
    ),
    { maxLength: 3 },
  ),
  // Declared lengths shorter than the body, or not numbers at all; never longer (that would wait).
  framing: fc.constantFrom(
    'content-length',
    'content-length',
    'content-length',
    'chunked',
    'short',
    'garbage',
    'both',
  ),
});

const codeArbitrary = (valid: string) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(valid) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'ZV_unknown',
        `${valid}%2F..%2Fhealthz`,
        `${valid}/`,
        `${valid}?__proto__[polluted]=1&constructor[prototype][polluted]=1`,
        `${valid}#frag`,
        `${valid};x=1`,
        `${valid}%00`,
        '%',
        '%zz',
        '%C0%AF',
        '%E0%A4%A',
        '..%2F..%2F',
        encodeURIComponent('ZV_ünïcødé'),
        'ZV_ünïcødé',
        '__proto__',
        'constructor',
        'Z'.repeat(100),
        'Z'.repeat(101),
        'Z'.repeat(5_000),
        'Z'.repeat(20_000),
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 80 }).map(encodeURIComponent) },
    {
      weight: 1,
      arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => s.replace(/[\s]/g, '')),
    },
  );

const methods = [
  'POST',
  'POST',
  'POST',
  'POST',
  'POST',
  'OPTIONS',
  'GET',
  'HEAD',
  'PUT',
  'DELETE',
  'PATCH',
  'FOO',
];

/**
 * Which part of a request is hostile. Mostly one part at a time: a request hostile everywhere is
 * refused by the HTTP parser before the JSON, origin or validation code ever sees it.
 */
const focuses = [
  'body',
  'body',
  'body',
  'body',
  'body',
  'headers',
  'headers',
  'framing',
  'path',
  'method',
  'all',
];

/** A whole hostile request, as bytes for `sendRaw`. */
export function hostileRequest(context: HostileContext): fc.Arbitrary<RawRequest> {
  return fc
    .record({
      focus: fc.constantFrom(...focuses),
      method: fc.constantFrom(...methods),
      code: codeArbitrary(context.trackingCode),
      prefix: fc.constantFrom('/e/', '/e/', '/e/', '/e/', '//e/', '/E/', 'http://127.0.0.1/e/'),
      body: bodyText(context),
      benignBody: mutatedEventText.map((text) => Buffer.from(text)),
      benignType: fc.constantFrom('application/json', 'text/plain', 'text/plain;charset=UTF-8'),
      headers: headerArbitrary,
    })
    .map(({ focus, method, code, prefix, body, benignBody, benignType, headers }) => {
      const hostile = (part: string) => focus === part || focus === 'all';
      const list: Array<[string, string]> = [
        ['Host', '127.0.0.1'],
        ['Connection', 'close'],
      ];
      if (hostile('headers')) {
        for (const value of headers.contentType) list.push(['Content-Type', value]);
        for (const value of headers.origin) list.push(['Origin', value]);
        for (const value of headers.forwardedFor) list.push(['X-Forwarded-For', value]);
        list.push(...headers.extra);
      } else {
        list.push(['Content-Type', benignType]);
      }
      const content = hostile('body') ? body : benignBody;
      let payload: Buffer = content;
      let contentLength = true;
      const framing = hostile('framing') ? headers.framing : 'content-length';
      if (framing === 'chunked') {
        list.push(['Transfer-Encoding', 'chunked']);
        const size = `${content.length.toString(16)}\r\n`;
        payload = Buffer.concat([Buffer.from(size), content, Buffer.from('\r\n0\r\n\r\n')]);
      } else if (framing === 'short' && content.length > 0) {
        list.push(['Content-Length', String(Math.floor(content.length / 2))]);
      } else if (framing === 'garbage') {
        list.push(['Content-Length', 'abc']);
      } else if (framing === 'both') {
        list.push(['Content-Length', String(content.length)], ['Content-Length', String(content.length + 1)]);
        contentLength = false;
      }
      const target = hostile('path') ? `${prefix}${code}` : `/e/${context.trackingCode}`;
      return {
        method: hostile('method') ? method : 'POST',
        target,
        headers: list,
        body: payload,
        contentLength,
      };
    });
}
