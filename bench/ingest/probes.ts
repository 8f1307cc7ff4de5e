import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { sourceAddress } from './protocol.ts';

/**
 * What the targets measure beside the load: how soon an accepted event shows in the stats
 * (freshness), and a dashboard-sized stats query run in a loop (the reader that competes with
 * ingest). Both speak to the server the way a sender and a dashboard do: POST /e/ and the REST API.
 */

const host = '127.0.0.1';
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

interface Answer {
  readonly status: number;
  readonly body: string;
}

function request(
  port: number,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body?: string,
  localAddress?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      // A probe event from its own source address: the per-address ingest limit never refuses it.
      { host, port, method, path, headers, ...(localAddress ? { localAddress } : { agent }) },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The page views the stats count for a site over the last 24 h. */
async function pageViews(port: number, apiKey: string, siteId: string): Promise<number> {
  const answer = await request(port, 'GET', `/api/external/v1/analytics/${siteId}?range=24h`, {
    'X-API-Key': apiKey,
  });
  if (answer.status !== 200) throw new Error(`stats answered ${answer.status}: ${answer.body.slice(0, 200)}`);
  const parsed = JSON.parse(answer.body) as { data?: { summary?: { total_page_views?: number } } };
  const summary = parsed.data?.summary ?? (parsed as { summary?: { total_page_views?: number } }).summary;
  return Number(summary?.total_page_views ?? Number.NaN);
}

export interface FreshnessOptions {
  readonly port: number;
  readonly apiKey: string;
  readonly site: { readonly id: string; readonly trackingCode: string };
  /** Probe until then (performance.now() clock). */
  readonly untilMs: number;
  /** Pause between one probe's visibility and the next probe's event. */
  readonly everyMs: number;
  /** Source-address index of the first probe event (disjoint from the load's). */
  readonly firstAddress: number;
  /** Give up on one event after this long (counted as this long). */
  readonly giveUpMs?: number;
}

/**
 * Posts one pageview at a time to a site nothing else posts to, and from its 202 polls the stats
 * until their page-view count includes it: the time from acknowledgement to visible, per event.
 * The first poll goes out right after the 202; later ones every 20 ms.
 */
export async function probeFreshness(options: FreshnessOptions): Promise<number[]> {
  const delays: number[] = [];
  const giveUpMs = options.giveUpMs ?? 10_000;
  let sent = await pageViews(options.port, options.apiKey, options.site.id);
  for (let n = 0; n === 0 || performance.now() < options.untilMs; n++) {
    const body = JSON.stringify({
      url: `https://fresh.example/probe-${n}`,
      session_id: `fresh-probe-${n}`,
      device_type: 'server',
      browser: 'server',
      os: 'Linux',
      user_agent: 'MyApp-Server/1.0',
    });
    const answer = await request(
      options.port,
      'POST',
      `/e/${options.site.trackingCode}`,
      { 'Content-Type': 'application/json' },
      body,
      sourceAddress(options.firstAddress + n),
    );
    if (answer.status !== 202) throw new Error(`probe event answered ${answer.status}: ${answer.body}`);
    const acknowledged = performance.now();
    sent++;
    for (;;) {
      if ((await pageViews(options.port, options.apiKey, options.site.id)) >= sent) break;
      if (performance.now() - acknowledged > giveUpMs) break;
      await sleep(20);
    }
    delays.push(performance.now() - acknowledged);
    await sleep(options.everyMs);
  }
  return delays;
}

export interface QueryLoopOptions {
  readonly port: number;
  readonly apiKey: string;
  readonly siteId: string;
  readonly untilMs: number;
}

/**
 * The dashboard's overview for the dataset's largest site over the last year (every one of its
 * events: the range `1y` reaches back past the dataset's start), asked at least once and again as
 * soon as it is answered until `untilMs`. Returns each answer's wall time.
 */
export async function loopDashboardQuery(options: QueryLoopOptions): Promise<number[]> {
  const times: number[] = [];
  const paths = ['', '/pages?limit=10', '/countries?limit=10', '/technology?limit=10'].map(
    (suffix) =>
      `/api/external/v1/analytics/${options.siteId}${suffix.replace('?', '?range=1y&') || '?range=1y'}`,
  );
  do {
    const started = performance.now();
    const answers = await Promise.all(
      paths.map((path) => request(options.port, 'GET', path, { 'X-API-Key': options.apiKey })),
    );
    const failed = answers.find((answer) => answer.status !== 200);
    if (failed) throw new Error(`dashboard query answered ${failed.status}: ${failed.body.slice(0, 200)}`);
    times.push(performance.now() - started);
  } while (performance.now() < options.untilMs);
  return times;
}

/** The q-quantile of some values (0 for none). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}
