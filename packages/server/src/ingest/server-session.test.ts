import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServerSessions, visitTimeoutMs } from './server-session.ts';

const t0 = Date.parse('2026-03-10T12:00:00Z');

test('events of one visitor within 30 minutes of each other are one visit', () => {
  const sessions = new ServerSessions();
  const first = sessions.resolve('site', 'visitor-a', t0);
  assert.match(first, /^zs_[A-Za-z0-9_-]{16}$/);
  assert.equal(sessions.resolve('site', 'visitor-a', t0 + 10 * 60_000), first);
  // Activity moves the window: 50 minutes after the start is still the same visit.
  assert.equal(sessions.resolve('site', 'visitor-a', t0 + 10 * 60_000 + visitTimeoutMs), first);
});

test('30 minutes without activity starts a new visit', () => {
  const sessions = new ServerSessions();
  const first = sessions.resolve('site', 'visitor-a', t0);
  const second = sessions.resolve('site', 'visitor-a', t0 + visitTimeoutMs + 1);
  assert.notEqual(second, first);
});

test('visitors and sites do not share visits', () => {
  const sessions = new ServerSessions();
  const a = sessions.resolve('site', 'visitor-a', t0);
  assert.notEqual(sessions.resolve('site', 'visitor-b', t0), a);
  assert.notEqual(sessions.resolve('other-site', 'visitor-a', t0), a);
});

test('expired visits are dropped and the cap bounds memory', () => {
  const sessions = new ServerSessions(visitTimeoutMs, 3);
  for (let i = 0; i < 5; i++) sessions.resolve('site', `visitor-${i}`, t0 + i);
  assert.equal(sessions.size, 3);
  sessions.resolve('site', 'late', t0 + visitTimeoutMs + 10);
  assert.equal(sessions.size, 1);
});

test('a seeded visit continues', () => {
  const sessions = new ServerSessions();
  sessions.seed('site', 'visitor-a', 'zs_from_the_store', t0);
  assert.equal(sessions.resolve('site', 'visitor-a', t0 + 60_000), 'zs_from_the_store');
});

test('record adopts a visit decided elsewhere; its last activity never moves back', () => {
  const sessions = new ServerSessions();
  assert.equal(sessions.openVisit('site', 'visitor-a', t0), undefined);
  assert.equal(sessions.record('site', 'visitor-a', 'zs_shared', t0 + 60_000), 'zs_shared');
  // An older event (batch ingest) of the same visit does not shorten it.
  sessions.record('site', 'visitor-a', 'zs_shared', t0);
  assert.equal(sessions.openVisit('site', 'visitor-a', t0 + 60_000 + visitTimeoutMs), 'zs_shared');
  assert.equal(sessions.openVisit('site', 'visitor-a', t0 + 60_001 + visitTimeoutMs), undefined);
  // Another id replaces the visit, with its own start.
  sessions.record('site', 'visitor-a', 'zs_other', t0 + 2 * 60_000);
  assert.equal(sessions.resolve('site', 'visitor-a', t0 + 3 * 60_000), 'zs_other');
});

test("a visit's visitor is known for a day, per site, for a backend's later events", () => {
  const sessions = new ServerSessions();
  const visit = sessions.resolve('site', 'visitor-a', t0);
  assert.equal(sessions.visitorOf('site', visit, t0 + 40 * 60_000), 'visitor-a');
  assert.equal(sessions.visitorOf('site', visit, t0 + 24 * 3_600_000), 'visitor-a');
  assert.equal(sessions.visitorOf('site', visit, t0 + 24 * 3_600_000 + 1), undefined);
  assert.equal(sessions.visitorOf('other-site', visit, t0), undefined);
  assert.equal(sessions.visitorOf('site', 'zs_unknown', t0), undefined);
});
