import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildTracker, engagementBudgetGzipBytes, trackerBudgetGzipBytes } from './build.ts';

/**
 * `npm run build -w @zenovay/tracker`: writes dist/z.js and dist/z.engagement.js (for hosting them
 * elsewhere, e.g. a CDN) and prints their sizes. The server does not need these files; it builds
 * the scripts in memory.
 */
fs.mkdirSync(new URL('../dist/', import.meta.url), { recursive: true });
for (const [name, engagement, budget] of [
  ['z.js', false, trackerBudgetGzipBytes],
  ['z.engagement.js', true, engagementBudgetGzipBytes],
] as const) {
  const bundle = await buildTracker({ engagement });
  const outFile = fileURLToPath(new URL(`../dist/${name}`, import.meta.url));
  fs.writeFileSync(outFile, bundle.code);
  const verdict = bundle.gzipBytes <= budget ? 'within' : 'OVER';
  console.log(
    `${name}: ${bundle.minifiedBytes} B minified, ${bundle.gzipBytes} B min+gz (${verdict} the ${budget} B budget) -> ${outFile}`,
  );
  if (bundle.gzipBytes > budget) process.exitCode = 1;
}
