// node --import tsx bench/bots/run.ts [--rounds N]
// Per-agent cost of the ingest bot filter (it runs on every event): the corpora of the tests
// (real browsers, real crawlers), descriptive server agents, and hostile 1,024-character agents
// (the ingest limit). Prints the median of several rounds after a warm-up, in µs per agent, next
// to isbot's own isbot() on the same agents as a reference, and the one-time cost of building
// the rules at start-up.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isbot } from 'isbot';
import { createBotClassifier } from '../../packages/server/src/ingest/bot-filter.ts';
import { descriptiveProbes } from '../../packages/server/src/ingest/bot-probes.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });
const rounds = Number(values.rounds);
const require = createRequire(import.meta.url);

const started = process.hrtime.bigint();
const classify = createBotClassifier();
const buildMs = Number(process.hrtime.bigint() - started) / 1e6;

const userAgentsFile = path.join(path.dirname(require.resolve('user-agents')), 'user-agents.json');
const browsers = [
  ...new Set([
    ...(JSON.parse(fs.readFileSync(userAgentsFile, 'utf8')) as Array<{ userAgent: string }>).map(
      (row) => row.userAgent,
    ),
    ...(require('top-user-agents') as string[]),
  ]),
];
const crawlers = [
  ...new Set(
    (require('crawler-user-agents') as Array<{ instances: string[] }>).flatMap((entry) => entry.instances),
  ),
];
const hostile = [
  'a'.repeat(1024),
  `${'a.'.repeat(511)}@`,
  `Mozilla/5.0 (${'; '.repeat(505)}`,
  `Mozilla/5.0 (Linux; Android ${'1 '.repeat(490)}`,
  `${'bot'.repeat(341)}x`,
  `+http://${'/'.repeat(1000)}`,
  `${' '.repeat(1023)}x`,
  `Mozilla/5.0 (${'x'.repeat(1000)})`,
];
const sets: Array<[string, string[]]> = [
  ['real browsers', browsers],
  ['real crawlers', crawlers],
  ['descriptive agents', descriptiveProbes()],
  ['hostile, 1,024 chars', hostile],
  // The start of a list pattern with a wildcard (`Current[\s\S]*RSS Reader`), repeated: the worst
  // case we know of (each repetition rescans the rest of the agent).
  ['crafted, list wildcard', [`Mozilla/5.0 (X11) Gecko/1 ${'Current '.repeat(124)}`, 'Current '.repeat(128)]],
];

/** Median µs per agent over `rounds` rounds of at least ~20 ms each. */
function perAgent(judge: (agent: string) => unknown, agents: readonly string[]): number {
  const repeat = Math.max(1, Math.ceil(20_000 / agents.length));
  for (let i = 0; i < repeat; i++) for (const agent of agents) judge(agent); // warm-up, regex tier-up
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const from = process.hrtime.bigint();
    for (let i = 0; i < repeat; i++) for (const agent of agents) judge(agent);
    samples.push(Number(process.hrtime.bigint() - from) / 1e3 / (repeat * agents.length));
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
}

console.log(`rules built in ${buildMs.toFixed(0)} ms (once per process)`);
console.log('agents                   count   zenovay µs/agent   isbot() µs/agent');
for (const [label, agents] of sets) {
  const ours = perAgent(classify, agents);
  const reference = perAgent(isbot, agents);
  console.log(
    `${label.padEnd(22)} ${String(agents.length).padStart(7)} ${ours.toFixed(2).padStart(18)} ${reference.toFixed(2).padStart(18)}`,
  );
}
