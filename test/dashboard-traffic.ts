import assert from 'node:assert/strict';
import { sendEvent } from './dashboard-helpers.ts';
import type { TestServer } from './support/test-server.ts';

/**
 * The traffic the dashboard end-to-end test shows: visits to shop.example from the US, Australia
 * and Great Britain over a few clock steps, two custom events, and two refusals (a bot and an
 * invalid event) for the filtered-traffic panel.
 */

/** Visitors from three countries (public test IPs through the trusted proxy), with custom events. */
export async function sendShopTraffic(server: TestServer, code: string): Promise<void> {
  const step = () => server.clock.advance(20_000);
  await sendEvent(server, code, {
    ip: '8.8.8.8',
    session: 'sess-us-0001',
    url: 'https://shop.example/',
    referrer: 'https://www.google.com/search?q=x',
  });
  step();
  await sendEvent(server, code, {
    ip: '8.8.8.8',
    session: 'sess-us-0001',
    url: 'https://shop.example/pricing',
  });
  step();
  await sendEvent(server, code, {
    ip: '8.8.8.8',
    session: 'sess-us-0001',
    url: 'https://shop.example/pricing',
    name: 'signup',
    properties: { plan: 'pro', seats: 3 },
  });
  await sendEvent(server, code, { ip: '8.8.4.4', session: 'sess-us-0002', url: 'https://shop.example/' });
  await sendEvent(server, code, {
    ip: '1.1.1.1',
    session: 'sess-au-0001',
    url: 'https://shop.example/blog',
    referrer: 'https://news.ycombinator.com/item',
    device: 'mobile',
    browser: 'Chrome',
    os: 'Android',
  });
  step();
  await sendEvent(server, code, {
    ip: '1.1.1.1',
    session: 'sess-au-0001',
    url: 'https://shop.example/blog',
    name: 'signup',
    properties: { plan: 'free' },
    device: 'mobile',
    browser: 'Chrome',
    os: 'Android',
  });
  await sendEvent(server, code, {
    ip: '81.2.69.142',
    session: 'sess-gb-0001',
    url: 'https://shop.example/?utm_source=newsletter&utm_medium=email',
    device: 'desktop',
    browser: 'Firefox',
    os: 'Windows',
  });
  step();
  await sendEvent(server, code, {
    ip: '81.2.69.142',
    session: 'sess-gb-0001',
    url: 'https://shop.example/pricing',
    device: 'desktop',
    browser: 'Firefox',
    os: 'Windows',
  });
  // Refused traffic for the filtered-traffic panel: a bot and an invalid event.
  const bot = await fetch(`${server.url}/e/${code}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      url: 'https://shop.example/',
      session_id: 'sess-bot-001',
      device_type: 'server',
      browser: 'x',
      os: 'x',
      user_agent: 'curl/8.0',
    }),
  });
  assert.equal(bot.status, 403);
  const invalid = await fetch(`${server.url}/e/${code}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'not a url' }),
  });
  assert.equal(invalid.status, 400);
}
