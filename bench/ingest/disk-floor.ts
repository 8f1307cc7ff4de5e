import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * The disk under the servers' data directories, alone: `appends` appends of `bytes` (about one
 * group commit at the bench's load), each followed by fdatasync, as the append log acknowledges.
 * No request can be acknowledged faster than this, so its p99 bounds the ingest p99 targets.
 */
export async function measureDiskFloor(
  appends = 300,
  bytes = 32 * 1024,
): Promise<{ p50: number; p99: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-disk-floor-'));
  const file = await fs.promises.open(path.join(dir, 'probe'), 'a');
  const data = Buffer.alloc(bytes, 0x78);
  const times: number[] = [];
  try {
    for (let i = 0; i < appends; i++) {
      const started = performance.now();
      await file.write(data);
      await file.datasync();
      times.push(performance.now() - started);
    }
  } finally {
    await file.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

export function printDiskFloor(floor: { p50: number; p99: number }): void {
  console.log(
    `disk: one 32 KiB append + fdatasync in the data directory's file system takes p50 ` +
      `${floor.p50.toFixed(2)} ms, p99 ${floor.p99.toFixed(2)} ms (every 2xx waits for one).`,
  );
}
