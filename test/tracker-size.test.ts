import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { buildTracker, engagementBudgetGzipBytes, trackerBudgetGzipBytes } from '@zenovay/tracker';

// The build is deterministic, so its size is a fair test: z.js must stay within 1.5 KB min+gz.
test('z.js stays within 1.5 KB minified and gzipped', async () => {
  const bundle = await buildTracker();
  assert.equal(trackerBudgetGzipBytes, 1536);
  assert.equal(bundle.gzipBytes, gzipSync(bundle.code).length);
  assert.ok(
    bundle.gzipBytes <= trackerBudgetGzipBytes,
    `z.js is ${bundle.gzipBytes} B min+gz, over the ${trackerBudgetGzipBytes} B budget`,
  );
});

test('z.js is one self-contained classic script', async () => {
  const { code } = await buildTracker();
  // Our own arrow IIFE, with no wrapper around it: nothing leaks into the page's globals.
  assert.match(code, /^\(\([a-zA-Z_$,]+\)=>\{/);
  assert.match(code, /\}\)\(window,document,navigator,location\);\s*$/);
  assert.doesNotMatch(code, /\bimport\b|\bexport\b|\brequire\(/);
  // Nothing that writes to the browser: no cookie, no storage writes.
  assert.doesNotMatch(code, /document\.cookie|setItem|sessionStorage/);
});

// The opt-in build with heartbeats (docs/engagement.md) has a budget of its own.
test('z.engagement.js stays within 2 KB minified and gzipped, and z.js carries none of it', async () => {
  const engaged = await buildTracker({ engagement: true });
  assert.equal(engagementBudgetGzipBytes, 2048);
  assert.ok(
    engaged.gzipBytes <= engagementBudgetGzipBytes,
    `z.engagement.js is ${engaged.gzipBytes} B min+gz, over the ${engagementBudgetGzipBytes} B budget`,
  );
  assert.match(engaged.code, /sendBeacon/);
  assert.doesNotMatch((await buildTracker()).code, /sendBeacon|heartbeat/);
});
