import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Site } from '../packages/server/src/store/types.ts';
import {
  serverDefaults,
  startServerWithSite,
  stopAndRemove,
  type TestServer,
} from './support/test-server.ts';
import { html, startTrackerRig, type TrackerRig } from './support/tracker-site.ts';

// In real headless Chromium: a page's own fetch() to the ingest endpoint reads the refusal (status,
// code, fields, Retry-After) whatever the page's origin, instead of failing with a CORS error.
// The JSON content type makes Chromium send a preflight first, so that path is exercised too.

let rig: TrackerRig;
let site: Site;
/** One request per window, so a page can meet a 429. */
let strict: TestServer;
let strictSite: Site;

before(async () => {
  rig = await startTrackerRig();
  site = await rig.addSite('site.test');
  ({ server: strict, site: strictSite } = await startServerWithSite(
    { config: { ingestLimits: [{ limit: 1, windowMs: 60_000 }] } },
    'site.test',
  ));
  rig.pages.set('/blank', html(''));
});

after(async () => {
  await rig.close();
  await stopAndRemove(strict);
});

interface PageAnswer {
  status: number;
  code: string | null;
  fields: Array<{ field: string }>;
  retryAfter: string | null;
  failed: string | null;
}

/** Opens a page of `host` and has it POST `body` as JSON to `url` with its own fetch(). */
async function postFromPage(host: string, url: string, body: unknown): Promise<PageAnswer> {
  const tab = await rig.newPage();
  try {
    await tab.page.goto(rig.siteUrl('/blank', host));
    return await tab.page.evaluate(
      async ({ target, payload }) => {
        try {
          const response = await fetch(target, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(payload),
          });
          const parsed = await response.json();
          return {
            status: response.status,
            code: parsed.error?.code ?? null,
            fields: parsed.error?.fields ?? [],
            retryAfter: response.headers.get('retry-after'),
            failed: null,
          };
        } catch (error) {
          // What a page sees when CORS blocks the answer: a TypeError, no status.
          return { status: 0, code: null, fields: [], retryAfter: null, failed: String(error) };
        }
      },
      { target: url, payload: body },
    );
  } finally {
    await tab.close();
  }
}

const event = { ...serverDefaults, url: 'http://site.test/', session_id: 'browser-cors-01' };

test('a page on an unauthorized origin sees 403 and reads ORIGIN_NOT_ALLOWED', async () => {
  const answer = await postFromPage('other.test', `${rig.server.url}/e/${site.trackingCode}`, event);
  assert.deepEqual(answer, {
    status: 403,
    code: 'ORIGIN_NOT_ALLOWED',
    fields: [],
    retryAfter: null,
    failed: null,
  });
});

test('an unknown tracking code and an unknown /e/ path are readable 404s', async () => {
  const unknown = await postFromPage('site.test', `${rig.server.url}/e/ZV_doesNotExist000000000`, event);
  assert.equal(unknown.failed, null);
  assert.equal(unknown.status, 404);
  assert.equal(unknown.code, 'UNKNOWN_TRACKING_CODE');

  const heartbeat = await postFromPage('site.test', `${rig.server.url}/e/heartbeat/${site.trackingCode}`, {});
  assert.equal(heartbeat.failed, null);
  assert.equal(typeof heartbeat.code, 'string');
});

test('the site itself reads a validation refusal with its field list', async () => {
  const answer = await postFromPage('site.test', `${rig.server.url}/e/${site.trackingCode}`, {
    url: 'not a url',
  });
  assert.equal(answer.failed, null);
  assert.equal(answer.status, 400);
  assert.equal(answer.code, 'VALIDATION_ERROR');
  assert.ok(
    answer.fields.some((item) => item.field === 'url'),
    JSON.stringify(answer.fields),
  );
});

test('a rate-limited page reads 429 and its Retry-After', async () => {
  const target = `${strict.url}/e/${strictSite.trackingCode}`;
  const first = await postFromPage('site.test', target, event);
  assert.equal(first.status, 202);
  const limited = await postFromPage('site.test', target, event);
  assert.deepEqual(limited, {
    status: 429,
    code: 'RATE_LIMIT_EXCEEDED',
    fields: [],
    retryAfter: '60',
    failed: null,
  });
});
