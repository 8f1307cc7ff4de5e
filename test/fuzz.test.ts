import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { paddedEvent } from './support/hostile-bodies.ts';
import { hostileRequest } from './support/hostile-requests.ts';
import { encodeRequest, sendRaw } from './support/raw-http.ts';
import { assertWellBehaved, errorCode, post, send, startFuzzTarget } from './support/response-shape.ts';
import { stopAndRemove, type TestServer } from './support/test-server.ts';

/**
 * Random hostile input against the real service over real HTTP, time-boxed: malformed, oversized,
 * deeply nested, wrongly typed and `__proto__`-laden bodies with odd methods, paths, content types,
 * headers and framing. Whatever arrives, the server answers without a 5xx, every refusal has the
 * one error shape with a code from the registry, the process keeps serving, and no prototype is
 * polluted. Hand-picked cases with exact expected codes are in fuzz-cases.test.ts.
 */

/** Set ZENOVAY_FUZZ_SEED to replay a failure that fast-check reported. */
const seed = process.env.ZENOVAY_FUZZ_SEED ? Number(process.env.ZENOVAY_FUZZ_SEED) : undefined;
const fuzzTimeMs = 20_000;

describe('fuzzing POST /e/{trackingCode} on the default 32 KiB cap', () => {
  let server: TestServer;
  let target: string;

  before(async () => {
    ({ server, target } = await startFuzzTarget());
  });
  after(() => stopAndRemove(server));

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
