// One SDK, one run, in its own plain-Node process (no TypeScript loader) so CPU time and peak RSS
// are the SDK's alone. Started by run.ts:
//   node bench/sdk/worker.mjs <sdk> <sinkUrl> <events> <shutdownMs> <zenovayBuildDir>
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [sdk, sinkUrl, eventsArg, shutdownArg, zenovayBuild] = process.argv.slice(2);
const events = Number(eventsArg);
const shutdownMs = Number(shutdownArg);
const url = (i) => `https://example.com/p/${i % 100}`;

async function driver() {
  if (sdk === 'zenovay') {
    const { createClient } = await import(pathToFileURL(path.join(zenovayBuild, 'esm/index.js')).href);
    const apiKey = `zv_${'b'.repeat(43)}`; // the sink does not check it
    const client = createClient({ trackingCode: 'ZV_bench', host: sinkUrl, apiKey });
    return {
      track: (i) => {
        void client.trackEvent('bench', {
          url: url(i),
          sessionId: `srv-session-${i % 1000}`,
          properties: { i },
        });
      },
      close: () => client.shutdown({ timeoutMs: shutdownMs }),
    };
  }
  if (sdk === 'posthog-node') {
    const { PostHog } = await import('posthog-node');
    const client = new PostHog('phc_bench', { host: sinkUrl });
    return {
      track: (i) =>
        client.capture({ distinctId: `user-${i % 1000}`, event: 'bench', properties: { url: url(i), i } }),
      close: () => client.shutdown(shutdownMs),
    };
  }
  if (sdk === 'segment') {
    const { Analytics } = await import('@segment/analytics-node');
    const client = new Analytics({ writeKey: 'bench', host: sinkUrl });
    client.on('error', () => undefined);
    return {
      track: (i) =>
        client.track({ userId: `user-${i % 1000}`, event: 'bench', properties: { url: url(i), i } }),
      close: () => client.closeAndFlush({ timeout: shutdownMs }),
    };
  }
  throw new Error(`unknown sdk ${sdk}`);
}

const d = await driver();
const cpuStart = process.cpuUsage();
const wallStart = performance.now();
for (let i = 0; i < events; i++) d.track(i);
let closeError = '';
try {
  const closed = await d.close();
  // @zenovay/node's shutdown says how many events its timeout abandoned.
  if (closed && typeof closed.undelivered === 'number' && closed.undelivered > 0) {
    closeError = `${closed.undelivered} undelivered at shutdown timeout`;
  }
} catch (error) {
  closeError = error instanceof Error ? error.message : String(error);
}
const wallMs = performance.now() - wallStart;
const cpu = process.cpuUsage(cpuStart);
const result = {
  wallMs: Math.round(wallMs),
  cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  closeError,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
