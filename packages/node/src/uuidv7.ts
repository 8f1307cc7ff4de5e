import { randomFillSync } from 'node:crypto';

// Random bytes are drawn in blocks: one syscall per 256 ids instead of one per id.
const pool = new Uint8Array(16 * 256);
let poolOffset = pool.length;

let lastMs = -1;
let counter = 0;

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter seeded randomly each
 * millisecond (RFC 9562 §6.2 method 1), then 62 random bits. Ids made by one process sort in the
 * order they were made, which keeps the server's dedupe index and any log of ids time-ordered.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const base = poolOffset;
  poolOffset += 16;

  let ms = Math.max(0, Math.floor(nowMs));
  if (ms > lastMs) {
    lastMs = ms;
    counter = ((pool[base + 6]! & 0x07) << 8) | pool[base + 7]!; // leave headroom so the counter rarely overflows
  } else {
    ms = lastMs; // the clock stepped back or stood still: stay ordered
    counter++;
    if (counter > 0xfff) {
      lastMs++;
      ms = lastMs;
      counter = 0;
    }
  }

  // 48-bit big-endian timestamp; split because bit operators work on 32 bits.
  const high = Math.floor(ms / 0x1_0000_0000);
  const low = ms >>> 0;
  put(0, (high >>> 8) & 0xff);
  put(1, high & 0xff);
  put(2, (low >>> 24) & 0xff);
  put(3, (low >>> 16) & 0xff);
  put(4, (low >>> 8) & 0xff);
  put(5, low & 0xff);
  put(6, 0x70 | ((counter >>> 8) & 0x0f));
  put(7, counter & 0xff);
  put(8, 0x80 | (pool[base + 8]! & 0x3f));
  for (let i = 9; i < 16; i++) put(i, pool[base + i]!);
  // One flat string from one buffer: tracking many events in a loop leaves little garbage.
  return text.toString('latin1');
}

const hexDigits = Buffer.from('0123456789abcdef', 'latin1');
const text = Buffer.from('00000000-0000-0000-0000-000000000000', 'latin1');
/** Where each byte's two hex digits go in the 36-character text. */
const offsets = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

function put(index: number, byte: number): void {
  const at = offsets[index]!;
  text[at] = hexDigits[byte >>> 4]!;
  text[at + 1] = hexDigits[byte & 0x0f]!;
}
