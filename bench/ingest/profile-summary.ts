import fs from 'node:fs';

/**
 * Summarises a V8 `.cpuprofile` (from `npm run bench:ingest -- --cpu-prof DIR`): the functions
 * with the most self time, and self time per source file (node_modules grouped by package).
 *   node --import tsx bench/ingest/profile-summary.ts DIR/CPU.*.cpuprofile [top=25]
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
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
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
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
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
console.log(`total sampled: ${(total / 1e6).toFixed(2)} s`);
show('self time by function', byFunction);
show('self time by file / package', byPlace);
show('inclusive time of src/ functions', inclusive);
