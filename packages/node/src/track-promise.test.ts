import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BlockWriter, type EventBlock } from './event-block.js';
import { TrackPromise } from './track-promise.js';

function twoEvents(): EventBlock {
  const sealed: EventBlock[] = [];
  const writer = new BlockWriter(10, Number.POSITIVE_INFINITY, Buffer.from('}'), (b) => sealed.push(b));
  writer.append('{"event_id":"a"}', undefined, 0);
  writer.append('{"event_id":"b"}', undefined, 0);
  writer.seal();
  return sealed[0]!;
}

test('a TrackPromise awaited before its event settles resolves when it settles', async () => {
  const block = twoEvents();
  const promise = new TrackPromise(block, 1, 'b');
  let result: unknown = null;
  const waiting = promise.then((value) => {
    result = value;
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(result, null, 'pending until settled');
  block.settle(1, true, 202, false, undefined);
  block.takeListener(1)?.settled();
  await waiting;
  assert.deepEqual(result, { ok: true, status: 202, duplicate: false, eventId: 'b' });
});

test('a TrackPromise first awaited after its event settled still gets the result; it acts as a promise', async () => {
  const block = twoEvents();
  const promise = new TrackPromise(block, 0, 'a');
  block.settle(0, false, 422, false, 'VALIDATION_ERROR');
  assert.equal(block.takeListener(0), undefined, 'nobody was listening: nothing was allocated for it');
  const expected = { ok: false, status: 422, code: 'VALIDATION_ERROR', eventId: 'a' };
  assert.deepEqual(await promise, expected);
  assert.deepEqual(await Promise.all([promise, promise]), [expected, expected]);
  assert.deepEqual(await promise.catch(() => 'never'), expected);
  let finished = false;
  assert.deepEqual(
    await promise.finally(() => {
      finished = true;
    }),
    expected,
  );
  assert.equal(finished, true);
  assert.equal(Object.prototype.toString.call(promise), '[object Promise]');
});
