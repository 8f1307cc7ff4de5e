import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addSite, postEvent, serverDefaults, startTestServer } from './support/test-server.ts';

const browserAgent =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

function autoSessionPageview(path: string) {
  return {
    ...serverDefaults,
    user_agent: browserAgent,
    url: `https://example.com${path}`,
    session_id: 'zv:auto-session',
  };
}

test('a server-assigned visit continues across a restart, and ends after 30 idle minutes', async () => {
  const first = await startTestServer();
  const site = await addSite(first);
  const opened = await postEvent(first, site.trackingCode, autoSessionPageview('/a'));
  assert.equal(opened.status, 202);
  assert.match(opened.body.session_id, /^zs_/);
  await first.stop();

  first.clock.advance(10 * 60_000);
  const second = await startTestServer({ dataDir: first.dataDir, clock: first.clock });
  try {
    const continued = await postEvent(second, site.trackingCode, autoSessionPageview('/b'));
    assert.equal(continued.body.session_id, opened.body.session_id, 'same visit after the restart');

    second.clock.advance(31 * 60_000);
    const later = await postEvent(second, site.trackingCode, autoSessionPageview('/c'));
    assert.notEqual(later.body.session_id, opened.body.session_id, 'a new visit after 30 idle minutes');
  } finally {
    await second.stop();
  }
});
