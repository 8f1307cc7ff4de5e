/**
 * Where the tests find chdb (ClickHouse in process, Apache-2.0): not a dependency of the project,
 * because its prebuilt engine is ~550 MB. `.ci/run` installs the version pinned in
 * `.ci/chdb/package.json` into `.ci/chdb/node_modules`; a developer runs
 * `npm install --prefix .ci/chdb --no-package-lock` once, or points `ZENOVAY_CHDB_DIR` at another install.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The part of chdb's `Session` the adapter uses (chdb's own types are not installed by default). */
export interface ChdbSession {
  queryAsync(sql: string, options: { format: string }): Promise<{ text(): string }>;
  close(): void;
}

export interface ChdbModule {
  Session: new (dir: string) => ChdbSession;
}

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** The folder whose node_modules holds chdb. */
function chdbPrefix(): string {
  return process.env.ZENOVAY_CHDB_DIR ?? path.join(repoRoot, '.ci/chdb');
}

function chdbPackageDir(): string {
  return path.join(chdbPrefix(), 'node_modules/chdb');
}

/**
 * Why the chdb tests cannot run here, or undefined when they can. In CI (`CI=true`) `.ci/run`
 * installs it, so its absence fails the test instead of skipping it.
 */
export function missingChdb(): string | undefined {
  if (fs.existsSync(path.join(chdbPackageDir(), 'package.json'))) return undefined;
  if (process.env.CI === 'true') throw new Error(`chdb not installed in ${chdbPackageDir()}`);
  return 'chdb not installed (npm install --prefix .ci/chdb --no-package-lock; ~550 MB, kept out of the default npm install)';
}

let loaded: ChdbModule | null = null;

export function loadChdb(): ChdbModule {
  loaded ??= createRequire(path.join(chdbPrefix(), 'index.js'))('chdb') as ChdbModule;
  return loaded;
}
