import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BlockWriter,
  batchBytes,
  type EventBlock,
  eventIdOf,
  renderBatch,
  renderEvent,
} from './event-block.js';

const tail = Buffer.from(',"device_type":"server","user_agent":"Zenovay-Node/0"}', 'utf8');

/** A writer whose sealed blocks land in `sealed`. */
function writer(capacity = 100, maxBytes = Number.POSITIVE_INFINITY) {
  const sealed: EventBlock[] = [];
  return { sealed, writer: new BlockWriter(capacity, maxBytes, tail, (block) => sealed.push(block)) };
}

/** One sealed block holding these events. */
function block(...events: Array<Record<string, unknown>>): EventBlock {
  const { sealed, writer: w } = writer();
  for (const fields of events) w.append(JSON.stringify(fields), undefined, 0);
  w.seal();
  return sealed[0]!;
}

test('eventIdOf reads the id back from the bytes: plain, escaped, non-ASCII, not a string', () => {
  const uuid = '0192f3a4-5b6c-7d8e-9f01-23456789abcd';
  const ids = [uuid, 'stripe "evt" \\ 1', 'zähler-€-1', 42];
  const stored = block(...ids.map((id) => ({ event_id: id, url: 'https://example.com/ü' })));
  assert.deepEqual(
    ids.map((_, index) => eventIdOf(stored, index)),
    [uuid, 'stripe "evt" \\ 1', 'zähler-€-1', '42'],
  );
});

test('renderEvent adds the device tail in place of the closing brace; sizes count UTF-8 bytes', () => {
  const stored = block(
    { event_id: 'x', url: 'x' },
    { event_id: 'a', url: 'https://example.com/ü', properties: { plan: '€' } },
  );
  const body = renderEvent(stored, 1);
  assert.equal(body.length, stored.eventBytes(1));
  assert.deepEqual(JSON.parse(body.toString('utf8')), {
    event_id: 'a',
    url: 'https://example.com/ü',
    properties: { plan: '€' },
    device_type: 'server',
    user_agent: 'Zenovay-Node/0',
  });
});

test('renderBatch writes head, the members joined by commas and end into exactly batchBytes', () => {
  const stored = block({ event_id: 'a', url: 'ä' }, { event_id: 'b', url: 'b' }, { event_id: 'c', url: 'c' });
  const head = '{"tracking_code":"ZV_x","events":[';
  const members = [0, 2];
  const size = batchBytes(head, stored, members, ']}');
  const spare = Buffer.alloc(size + 10, 0x78); // a reused buffer with room to spare
  const body = renderBatch(head, stored, members, ']}', spare.subarray(0, size));
  const parsed = JSON.parse(body.toString('utf8')) as { events: Array<{ event_id: string; url: string }> };
  assert.deepEqual(
    parsed.events.map((item) => [item.event_id, item.url]),
    [
      ['a', 'ä'],
      ['c', 'c'],
    ],
  );
  assert.equal(spare[size], 0x78, 'nothing written past the body');
});

test('the writer seals a block when it is full, when bytes would overflow, and at a new flush epoch', () => {
  const event = (id: number) => JSON.stringify({ event_id: `e${id}`, url: 'https://example.com/' });
  const eventSize = Buffer.byteLength(event(0)) - 1 + tail.length + 1;
  const { sealed, writer: w } = writer(3, eventSize * 2);
  for (let i = 0; i < 5; i++) w.append(event(i), undefined, i < 4 ? 0 : 1);
  // bytes allow 2 per block; the 5th event is of a newer flush epoch
  assert.deepEqual(
    sealed.map((b) => b.count),
    [2, 2],
  );
  assert.equal(w.openCount, 1);
  w.seal();
  const ids = sealed.flatMap((b) => Array.from({ length: b.count }, (_, i) => eventIdOf(b, i)));
  assert.deepEqual(ids, ['e0', 'e1', 'e2', 'e3', 'e4']);
  assert.deepEqual(
    sealed.map((b) => b.epoch),
    [0, 0, 1],
  );
  const { sealed: byCount, writer: counted } = writer(3);
  for (let i = 0; i < 7; i++) counted.append(event(i), undefined, 0);
  assert.deepEqual(
    byCount.map((b) => b.count),
    [3, 3],
  );
});

test('an event with its own user agent keeps its own tail; a huge one grows the scratch buffer', () => {
  const own = Buffer.from(',"device_type":"server","user_agent":"Mozilla/5.0 (X11)"}', 'utf8');
  const { sealed, writer: w } = writer();
  w.append(JSON.stringify({ event_id: 'a', url: 'x' }), own, 0);
  const huge = 'ü'.repeat(40_000);
  w.append(JSON.stringify({ event_id: 'b', url: huge }), undefined, 0);
  w.seal();
  const stored = sealed[0]!;
  assert.equal(
    (JSON.parse(renderEvent(stored, 0).toString('utf8')) as { user_agent: string }).user_agent,
    'Mozilla/5.0 (X11)',
  );
  assert.equal((JSON.parse(renderEvent(stored, 1).toString('utf8')) as { url: string }).url, huge);
});

test('settled results are kept as numbers and read back as TrackResults', () => {
  const stored = block({ event_id: 'a' }, { event_id: 'b' }, { event_id: 'c' });
  assert.equal(stored.resultOf(0, 'a'), null);
  assert.equal(stored.settle(0, true, 202, true, undefined), true);
  assert.equal(stored.settle(0, false, 500, false, 'X'), false, 'settles once');
  stored.settle(1, false, 422, false, 'VALIDATION_ERROR');
  stored.settle(2, false, 0, false, 'SHUTDOWN_TIMEOUT');
  assert.deepEqual(stored.resultOf(0, 'a'), { ok: true, status: 202, duplicate: true, eventId: 'a' });
  assert.deepEqual(stored.resultOf(1, 'b'), {
    ok: false,
    status: 422,
    code: 'VALIDATION_ERROR',
    eventId: 'b',
  });
  assert.deepEqual(stored.resultOf(2, 'c'), { ok: false, status: 0, code: 'SHUTDOWN_TIMEOUT', eventId: 'c' });
});
