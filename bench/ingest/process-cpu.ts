import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Clock ticks per second for /proc's CPU counters (almost always 100). */
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time (user + system, all threads, in ms) a process has used so far, from /proc on Linux;
 * null elsewhere. CPU per request is steadier than req/s on a machine shared with other work.
 */
export function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return null;
  }
}

/**
 * Microseconds, since boot, in which some runnable task waited for a CPU (Linux PSI, "some" line
 * of /proc/pressure/cpu); null where unavailable. Its growth over the measured window shows how
 * much the run was competing for the cores, with itself and with everything else on the machine.
 */
export function cpuPressureUs(): number | null {
  try {
    const text = fs.readFileSync('/proc/pressure/cpu', 'utf8');
    const total = /^some .*total=(\d+)/m.exec(text)?.[1];
    return total === undefined ? null : Number(total);
  } catch {
    return null;
  }
}
