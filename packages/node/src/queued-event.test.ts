import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchBytes, eventBytes, eventIdOf, queuedEvent, renderBatch, renderEvent } from './queued-event.js';

const tail = Buffer.from(',"device_type":"server","user_agent":"Zenovay-Node/0"}', 'utf8');
const noop = () => undefined;
const event = (fields: Record<string, unknown>) => queuedEvent(JSON.stringify(fields), tail, noop);

test('eventIdOf reads the id back from the JSON: plain, escaped, non-ASCII, not a string', () => {
  const uuid = '0192f3a4-5b6c-7d8e-9f01-23456789abcd';
  assert.equal(eventIdOf(event({ event_id: uuid, url: 'https://example.com/' })), uuid);
  assert.equal(eventIdOf(event({ event_id: 'stripe "evt" \\ 1', url: 'x' })), 'stripe "evt" \\ 1');
  assert.equal(eventIdOf(event({ event_id: 'zähler-€-1', url: 'x' })), 'zähler-€-1');
  assert.equal(eventIdOf(event({ event_id: 42, url: 'x' })), '42');
});

test('renderEvent adds the device tail in place of the closing brace; sizes count UTF-8 bytes', () => {
  const one = event({ event_id: 'a', url: 'https://example.com/ü', properties: { plan: '€' } });
  const body = renderEvent(one);
  assert.equal(body.length, eventBytes(one));
  assert.deepEqual(JSON.parse(body.toString('utf8')), {
    event_id: 'a',
    url: 'https://example.com/ü',
    properties: { plan: '€' },
    device_type: 'server',
    user_agent: 'Zenovay-Node/0',
  });
});

test('renderBatch writes head, events joined by commas and end into exactly batchBytes', () => {
  const events = [event({ event_id: 'a', url: 'ä' }), event({ event_id: 'b', url: 'b' })];
  const head = '{"tracking_code":"ZV_x","events":[';
  const size = batchBytes(head, events, ']}');
  const spare = Buffer.alloc(size + 10, 0x78); // a reused buffer with room to spare
  const body = renderBatch(head, events, ']}', spare.subarray(0, size));
  const parsed = JSON.parse(body.toString('utf8')) as { events: Array<{ event_id: string; url: string }> };
  assert.deepEqual(
    parsed.events.map((item) => [item.event_id, item.url]),
    [
      ['a', 'ä'],
      ['b', 'b'],
    ],
  );
  assert.equal(spare[size], 0x78, 'nothing written past the body');
});
