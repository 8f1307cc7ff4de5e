import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlushTracker } from './flush-tracker.js';

const isDone = async (promise: Promise<void>): Promise<boolean> => {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

test('drained() waits for events added before it, in any settle order, not for later ones', async () => {
  const tracker = new FlushTracker();
  const a = tracker.added();
  const b = tracker.added();
  const first = tracker.drained();
  const c = tracker.added(); // after the first flush: it must not hold that flush up
  const second = tracker.drained();
  tracker.settled(b);
  assert.equal(await isDone(first), false);
  tracker.settled(a);
  assert.equal(await isDone(first), true);
  assert.equal(await isDone(second), false);
  tracker.settled(c);
  assert.equal(await isDone(second), true);
});

test('drained() with nothing pending resolves at once', async () => {
  const tracker = new FlushTracker();
  tracker.settled(tracker.added());
  assert.equal(await isDone(tracker.drained()), true);
});
