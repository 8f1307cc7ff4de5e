/**
 * The demo traffic behind the README's screenshot: visits over the last 24 hours from a dozen
 * countries, with varied pages, referrers, UTM tags, devices and a few custom events. Deterministic
 * (a seeded generator), so the picture changes only when this file does.
 */

interface Target {
  readonly url: string;
  readonly trackingCode: string;
  readonly apiKey: string;
  readonly domain: string;
}

interface Client {
  readonly device: string;
  readonly browser: string;
  readonly os: string;
  readonly userAgent: string;
}

type Props = Record<string, string | number | boolean>;

const clients: readonly Client[] = [
  {
    device: 'desktop',
    browser: 'Chrome',
    os: 'Windows',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  },
  {
    device: 'desktop',
    browser: 'Safari',
    os: 'macOS',
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  },
  {
    device: 'desktop',
    browser: 'Firefox',
    os: 'Linux',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  },
  {
    device: 'mobile',
    browser: 'Safari',
    os: 'iOS',
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  },
  {
    device: 'mobile',
    browser: 'Chrome',
    os: 'Android',
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  },
  {
    device: 'tablet',
    browser: 'Safari',
    os: 'iOS',
    userAgent:
      'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  },
  {
    device: 'desktop',
    browser: 'Edge',
    os: 'Windows',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  },
];

/** Public addresses (their first three octets) in different countries; weights favour the first. */
const networks: readonly string[] = [
  '8.8.8',
  '8.8.4',
  '81.2.69',
  '85.214.132',
  '1.1.1',
  '51.15.0',
  '200.147.67',
  '133.242.0',
  '130.237.28',
  '80.58.61',
  '24.114.0',
  '145.100.0',
];

const referrers: readonly string[] = [
  '',
  '',
  '',
  'https://www.google.com/search?q=analytics',
  'https://www.google.com/search?q=privacy+analytics',
  'https://news.ycombinator.com/item?id=1',
  'https://www.reddit.com/r/selfhosted/',
  'https://duckduckgo.com/',
  'https://t.co/abc',
  'https://github.com/',
  'https://www.bing.com/search?q=web+analytics',
];

const landings: readonly string[] = [
  '/',
  '/',
  '/',
  '/pricing',
  '/blog/privacy-first-analytics',
  '/blog/self-hosting-guide',
  '/docs/getting-started',
  '/?utm_source=newsletter&utm_medium=email&utm_campaign=november',
  '/pricing?utm_source=twitter&utm_medium=social&utm_campaign=launch',
  '/?utm_source=google&utm_medium=cpc&utm_campaign=brand',
];

const nextPages: readonly string[] = [
  '/pricing',
  '/features',
  '/docs/getting-started',
  '/about',
  '/signup',
  '/blog',
];

/** A small seeded generator (mulberry32). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const random = seeded(18);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
/** Skewed towards the start of the list. */
const pickSkewed = <T>(items: readonly T[]): T => items[Math.floor(random() ** 1.8 * items.length)] as T;

interface DemoEvent {
  readonly [field: string]: unknown;
}

function visitEvents(target: Target, visit: number, startMs: number): DemoEvent[] {
  const client = pickSkewed(clients);
  const ip = `${pickSkewed(networks)}.${10 + (visit % 200)}`;
  const session = `demo-visit-${String(visit).padStart(4, '0')}`;
  const base = {
    session_id: session,
    device_type: client.device,
    browser: client.browser,
    os: client.os,
    user_agent: client.userAgent,
    client_ip: ip,
  };
  const pages = [pick(landings)];
  const length = random() < 0.45 ? 1 : 1 + Math.floor(random() * 4);
  while (pages.length < length) pages.push(pick(nextPages));
  const events: DemoEvent[] = pages.map((page, index) => ({
    ...base,
    url: `https://${target.domain}${page}`,
    referrer: index === 0 ? pick(referrers) : `https://${target.domain}${pages[index - 1]}`,
    timestamp: new Date(startMs + index * 45_000).toISOString(),
    event_id: `${session}-p${index}`,
  }));
  const custom = customEvent(pages);
  if (custom) {
    events.push({
      ...base,
      event_type: 'custom',
      event_name: custom.name,
      properties: custom.properties,
      url: `https://${target.domain}${pages[pages.length - 1]}`,
      timestamp: new Date(startMs + pages.length * 45_000).toISOString(),
      event_id: `${session}-c`,
    });
  }
  return events;
}

function customEvent(pages: readonly string[]): { name: string; properties: Props } | null {
  const roll = random();
  if (pages.includes('/signup') || roll < 0.08)
    return { name: 'signup', properties: { plan: pick(['free', 'pro']) } };
  if (pages.includes('/pricing') && roll < 0.35)
    return { name: 'cta_click', properties: { button: 'start-trial' } };
  if (roll > 0.93) return { name: 'file_download', properties: { link_url: '/files/whitepaper.pdf' } };
  return null;
}

async function post(url: string, headers: Record<string, string>, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Sends the demo traffic; returns how many events were stored. */
export async function demoTraffic(target: Target): Promise<number> {
  const now = Date.now();
  const events: DemoEvent[] = [];
  for (let visit = 0; visit < 80; visit++) {
    // More visits in the recent hours, none in the last few minutes (those come live below).
    const hoursAgo = 23.5 * random() ** 1.3 + 0.2;
    events.push(...visitEvents(target, visit, now - hoursAgo * 3_600_000));
  }
  const batch = await post(
    `${target.url}/api/v1/events`,
    { 'x-api-key': target.apiKey },
    {
      tracking_code: target.trackingCode,
      events,
    },
  );
  const result = (await batch.json()) as { accepted: number; refused: number };
  if (batch.status !== 200 || result.refused > 0)
    throw new Error(`batch: ${batch.status} ${JSON.stringify(result)}`);
  let stored = result.accepted;
  // Visitors on the site right now, through the public endpoint from a trusted loopback proxy.
  for (let visit = 80; visit < 92; visit++) {
    for (const event of visitEvents(target, visit, now)) {
      const { client_ip: ip, timestamp: _timestamp, ...body } = event;
      const response = await post(
        `${target.url}/e/${target.trackingCode}`,
        { 'x-forwarded-for': String(ip) },
        body,
      );
      if (response.status !== 202) throw new Error(`/e/: ${response.status} ${await response.text()}`);
      stored++;
    }
  }
  // Two refusals for the "refused traffic" panel.
  await post(
    `${target.url}/e/${target.trackingCode}`,
    { 'x-forwarded-for': '8.8.8.8' },
    { url: 'https://x' },
  );
  await post(
    `${target.url}/e/${target.trackingCode}`,
    {},
    {
      url: `https://${target.domain}/`,
      session_id: 'crawler-0001',
      device_type: 'desktop',
      browser: 'bot',
      os: 'Linux',
      user_agent: 'Googlebot/2.1 (+http://www.google.com/bot.html)',
    },
  );
  return stored;
}
