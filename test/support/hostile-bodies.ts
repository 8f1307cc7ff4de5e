import fc from 'fast-check';

/**
 * Generators of hostile request bodies for `POST /e/{trackingCode}`: malformed, oversized, deeply
 * nested, wrongly typed and `__proto__`-laden. JSON is built as text, so keys such as `__proto__`
 * and duplicate keys reach the server exactly as written (a JS object literal would turn
 * `__proto__` into a prototype instead).
 */

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
export const mutatedEventText = fc
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

export function hostileBody(maxBodyBytes: number): fc.Arbitrary<Buffer> {
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
          fc.integer({ min: maxBodyBytes - 64, max: maxBodyBytes + 64 }),
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

/** A valid event with one field's value replaced by the given JSON text. */
export function withField(field: string, valueText: string): string {
  return objectText([...validEntries(`typed-${field}`).filter(([key]) => key !== field), [field, valueText]]);
}
