import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestBudget } from './budget.js';

function send(budget: RequestBudget, at: number): void {
  assert.equal(budget.waitMs(at), 0, `a request at ${at} should be allowed`);
  budget.reserve();
  budget.release(at);
}

test('allows the limit within a window, then says how long until the oldest leaves it', () => {
  const budget = new RequestBudget([{ limit: 3, windowMs: 1_000 }]);
  for (const at of [0, 100, 200]) send(budget, at);
  assert.equal(budget.waitMs(300), 700);
  send(budget, 1_000);
  assert.equal(budget.waitMs(1_000), 100);
});

test('the strictest of several rules decides', () => {
  const budget = new RequestBudget([
    { limit: 2, windowMs: 100 },
    { limit: 3, windowMs: 10_000 },
  ]);
  send(budget, 0);
  send(budget, 0);
  assert.equal(budget.waitMs(0), 100);
  send(budget, 100);
  assert.equal(budget.waitMs(200), 9_800);
});

test('running requests count; when only they hold the budget, the answer is "after one finishes"', () => {
  const budget = new RequestBudget([{ limit: 2, windowMs: 1_000 }]);
  budget.reserve();
  assert.equal(budget.waitMs(0), 0);
  budget.reserve();
  assert.equal(budget.waitMs(0), Number.POSITIVE_INFINITY);
  budget.release(5_000); // a slow answer: the window counts from when it came
  assert.equal(budget.waitMs(5_000), 1_000);
  budget.release(5_100);
  assert.equal(budget.waitMs(5_200), 800);
});

test('whatever the latency, any server window of the rule length sees at most the limit', () => {
  const rule = { limit: 5, windowMs: 1_000 };
  const budget = new RequestBudget([rule]);
  const running: Array<{ arrive: number; finish: number }> = [];
  const arrivals: number[] = [];
  let now = 0;
  let step = 0;
  while (arrivals.length < 300) {
    now += 7 + (step++ % 13) * 11;
    for (const request of running.filter((r) => r.finish <= now)) {
      budget.release(request.finish);
      running.splice(running.indexOf(request), 1);
    }
    if (budget.waitMs(now) > 0) continue;
    budget.reserve();
    const latency = (step * 97) % 700; // up to 0.7 s each way, varying
    running.push({ arrive: now + latency / 2, finish: now + latency });
    arrivals.push(now + latency / 2);
  }
  arrivals.sort((a, b) => a - b);
  for (let i = rule.limit; i < arrivals.length; i++) {
    assert.ok(arrivals[i]! - arrivals[i - rule.limit]! >= rule.windowMs, `arrivals ${i - rule.limit}..${i}`);
  }
});
