import fs from 'node:fs';

/**
 * Summarises a V8 `.cpuprofile` (from `npm run bench:ingest -- --cpu-prof DIR`): the functions
 * with the most self time, and self time per source file (node_modules grouped by package).
 *   node --import tsx bench/ingest/profile-summary.ts DIR/CPU.*.cpuprofile [top=25]
 * Only the samples between the first and the last one inside the ingest route count, so start-up
 * (module loading, compiling the bot rules) and shutdown do not hide the request path; idle time is
 * shown but left out of the percentages.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

/** Whether a sample's stack is inside the ingest route (memoised per profile node). */
const inRoute = new Map<number, boolean>();
function routeSample(id: number): boolean {
  const known = inRoute.get(id);
  if (known !== undefined) return known;
  const url = byId.get(id)!.callFrame.url;
  const parent = parentOf.get(id);
  const answer =
    url.endsWith('src/http/routes/ingest.ts') ||
    url.endsWith('src/http/ingest-fast-path.ts') ||
    (parent !== undefined && routeSample(parent));
  inRoute.set(id, answer);
  return answer;
}
const first = profile.samples.findIndex(routeSample);
let last = profile.samples.length - 1;
while (last >= 0 && !routeSample(profile.samples[last]!)) last--;

const selfUs = new Map<number, number>();
let idleUs = 0;
let windowUs = 0;
for (let i = Math.max(0, first); i <= last; i++) {
  const id = profile.samples[i]!;
  const us = profile.timeDeltas[i] ?? 0;
  windowUs += us;
  if (byId.get(id)!.callFrame.functionName === '(idle)') idleUs += us;
  else selfUs.set(id, (selfUs.get(id) ?? 0) + us);
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

function place(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const src = url.indexOf('/src/');
  return src >= 0 ? url.slice(src + 1) : url || '(native/vm)';
}

const byFunction = new Map<string, number>();
const byPlace = new Map<string, number>();
for (const [id, us] of selfUs) {
  const frame = byId.get(id)!.callFrame;
  const file = frame.url.includes('node_modules/') ? ` ${frame.url.split('/').pop()}` : '';
  const name = `${frame.functionName || '(anonymous)'}  ${place(frame.url)}${file}:${frame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  const where = place(frame.url);
  byPlace.set(where, (byPlace.get(where) ?? 0) + us);
}

// Inclusive time of our own functions (src/): self plus everything they call.
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    const frame = byId.get(at)!.callFrame;
    if (!frame.url.includes('/src/')) continue;
    const name = `${frame.functionName || '(anonymous)'}  ${place(frame.url)}:${frame.lineNumber + 1}`;
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + us);
  }
}

const show = (title: string, entries: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, us] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(6)}%  ${name}`);
  }
};
console.log(
  `busy ${(total / 1e6).toFixed(2)} s of a ${(windowUs / 1e6).toFixed(2)} s window with requests ` +
    `(idle ${(idleUs / 1e6).toFixed(2)} s); percentages are of the busy time`,
);
show('self time by function', byFunction);
show('self time by file / package', byPlace);
show('inclusive time of src/ functions', inclusive);
