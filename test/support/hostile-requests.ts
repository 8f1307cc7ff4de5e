import fc from 'fast-check';
import { hostileBody, mutatedEventText } from './hostile-bodies.ts';
import type { RawRequest } from './raw-http.ts';

/**
 * Generators of whole hostile requests for `POST /e/{trackingCode}`: hostile bodies (see
 * hostile-bodies.ts) with odd methods, paths, content types, headers and framing.
 */

export interface HostileContext {
  trackingCode: string;
  /** The server's body cap, so sizes cluster around it. */
  maxBodyBytes: number;
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
      body: hostileBody(context.maxBodyBytes),
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
