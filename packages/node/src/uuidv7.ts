import { randomFillSync } from 'node:crypto';

const hex: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

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
  const bytes = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;

  let ms = Math.max(0, Math.floor(nowMs));
  if (ms > lastMs) {
    lastMs = ms;
    counter = ((bytes[6]! & 0x07) << 8) | bytes[7]!; // leave headroom so the counter rarely overflows
  } else {
    ms = lastMs; // the clock stepped back or stood still: stay ordered
    counter++;
    if (counter > 0xfff) {
      lastMs++;
      ms = lastMs;
      counter = 0;
    }
  }

  const out = new Uint8Array(16);
  // 48-bit big-endian timestamp; split because bit operators work on 32 bits.
  const high = Math.floor(ms / 0x1_0000_0000);
  const low = ms >>> 0;
  out[0] = (high >>> 8) & 0xff;
  out[1] = high & 0xff;
  out[2] = (low >>> 24) & 0xff;
  out[3] = (low >>> 16) & 0xff;
  out[4] = (low >>> 8) & 0xff;
  out[5] = low & 0xff;
  out[6] = 0x70 | ((counter >>> 8) & 0x0f);
  out[7] = counter & 0xff;
  out[8] = 0x80 | (bytes[8]! & 0x3f);
  for (let i = 9; i < 16; i++) out[i] = bytes[i]!;

  let text = '';
  for (let i = 0; i < 16; i++) {
    text += hex[out[i]!]!;
    if (i === 3 || i === 5 || i === 7 || i === 9) text += '-';
  }
  return text;
}
