import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildTracker, trackerBudgetGzipBytes } from './build.ts';

/**
 * `npm run build -w @zenovay/tracker`: writes dist/z.js (for hosting it elsewhere, e.g. a CDN) and
 * prints its size. The server does not need this file; it builds the script in memory.
 */
const bundle = await buildTracker();
const outFile = fileURLToPath(new URL('../dist/z.js', import.meta.url));
fs.mkdirSync(new URL('../dist/', import.meta.url), { recursive: true });
fs.writeFileSync(outFile, bundle.code);
const verdict = bundle.gzipBytes <= trackerBudgetGzipBytes ? 'within' : 'OVER';
console.log(
  `z.js: ${bundle.minifiedBytes} B minified, ${bundle.gzipBytes} B min+gz (${verdict} the ${trackerBudgetGzipBytes} B budget) -> ${outFile}`,
);
if (bundle.gzipBytes > trackerBudgetGzipBytes) process.exitCode = 1;
