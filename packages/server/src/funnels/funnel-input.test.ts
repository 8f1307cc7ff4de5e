import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Goal } from '../goals/types.ts';
import { formatWindow, parseWindow, readFunnelDefinition } from './funnel-input.ts';

const signup: Goal = {
  id: 'g_signup',
  siteId: 's',
  name: 'Signup',
  kind: 'event',
  eventName: 'signup',
  pagePath: null,
  properties: [],
  currency: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};

function read(body: Record<string, unknown>) {
  const fields: Array<{ field: string; reason: string }> = [];
  const definition = readFunnelDefinition(body, [signup], (field, reason) => fields.push({ field, reason }));
  return { definition, fields };
}

test('windows: minutes, hours, days, from 1 minute to 30 days; 24 h when not given', () => {
  const fail = () => undefined;
  assert.equal(parseWindow('1m', fail), 60_000);
  assert.equal(parseWindow(' 36h ', fail), 129_600_000);
  assert.equal(parseWindow('30d', fail), 2_592_000_000);
  assert.equal(parseWindow(undefined, fail), 86_400_000);
  for (const bad of ['0m', '31d', '40d', '720h1m', '1.5h', '1w', 24, '']) {
    const reasons: string[] = [];
    assert.equal(
      parseWindow(bad, (_, reason) => reasons.push(reason)),
      null,
      String(bad),
    );
    assert.equal(reasons.length, 1);
  }
  assert.deepEqual(
    [formatWindow(60_000), formatWindow(5_400_000), formatWindow(7_200_000), formatWindow(2_592_000_000)],
    ['1m', '90m', '2h', '30d'],
  );
});

test('steps: page, event with properties, goal by id or name kept by id', () => {
  const { definition, fields } = read({
    steps: [
      { type: 'page', page_path: '/blog/**', label: ' Blog ' },
      { type: 'event', event_name: 'download', properties: { format: 'pdf', pages: 3, free: true } },
      { type: 'goal', goal: 'Signup' },
      { type: 'goal', goal: 'g_signup' },
    ],
    order: 'strict',
  });
  assert.deepEqual(fields, []);
  assert.deepEqual(definition, {
    steps: [
      { kind: 'page', pagePath: '/blog/**', label: 'Blog' },
      {
        kind: 'event',
        eventName: 'download',
        properties: [
          { key: 'format', value: 'pdf' },
          { key: 'pages', value: '3' },
          { key: 'free', value: 'true' },
        ],
        label: null,
      },
      { kind: 'goal', goalId: 'g_signup', label: null },
      { kind: 'goal', goalId: 'g_signup', label: null },
    ],
    windowMs: 86_400_000,
    order: 'strict',
  });
});

test('every problem at once, each naming its step', () => {
  const { definition, fields } = read({
    steps: [
      { type: 'page', page_path: 'pricing', event_name: 'x' },
      { type: 'event', event_name: 'pageview' },
      { type: 'event', event_name: 'a', properties: { a: '1', b: '2', c: '3', d: '4' } },
      { type: 'goal' },
      'a step',
      { type: 'page', page_path: '/p', colour: 'red' },
    ],
    window: '0m',
  });
  assert.equal(definition, null);
  assert.deepEqual(
    fields.map((item) => item.field),
    [
      'window',
      'steps[0].event_name',
      'steps[0].page_path',
      'steps[1].event_name',
      'steps[2].properties',
      'steps[3].goal',
      'steps[4]',
      'steps[5].colour',
    ],
  );
});
