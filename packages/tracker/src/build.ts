import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** The size budget of the served script, minified and gzipped (issue 5). */
export const trackerBudgetGzipBytes = 1536;

export interface TrackerBundle {
  /** The minified script, exactly as served at /z.js. */
  readonly code: string;
  readonly minifiedBytes: number;
  /** Size after gzip at the default level, the encoding the server sends to browsers. */
  readonly gzipBytes: number;
}

/**
 * The opt-in engagement build (`/z.engagement.js`, docs/engagement.md): z.js plus heartbeats with
 * engaged time and scroll depth. Its own budget; the default build keeps the 1,536 B one.
 */
export const engagementBudgetGzipBytes = 2048;

export interface TrackerBuildOptions {
  /** Build z.engagement.js: heartbeats (engaged time, scroll depth) on top of z.js. */
  readonly engagement?: boolean;
}

/**
 * Builds z.js (or, with `engagement`, z.engagement.js) from source in memory. The server calls this once per process (no build step and no
 * stale `dist/` file to forget); the size test and `npm run build -w @zenovay/tracker` use it too,
 * so what is measured is what is served.
 */
export async function buildTracker(options: TrackerBuildOptions = {}): Promise<TrackerBundle> {
  const result = await build({
    // The engagement code (tracker.ts, `ENGAGEMENT`) is removed whole from the default build.
    define: { ENGAGEMENT: options.engagement === true ? 'true' : 'false' },
    entryPoints: [fileURLToPath(new URL('./tracker.ts', import.meta.url))],
    bundle: true,
    write: false,
    minify: true,
    // The source is one arrow IIFE with no imports or exports: as "esm" it is emitted as it is,
    // without the wrapper "iife" adds around it (7 B after gzip).
    format: 'esm',
    // Browsers from 2020 on (optional chaining, nullish coalescing) run it untranspiled.
    target: 'es2020',
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
    // No tsconfig: its strict flag would add a "use strict" prologue the IIFE does not need.
    tsconfigRaw: {},
  });
  const code = result.outputFiles[0]!.text;
  return { code, minifiedBytes: Buffer.byteLength(code), gzipBytes: gzipSync(code).length };
}
