// Prints the built bundle sizes (raw and gzip) so every build states what a visitor downloads.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'dist', 'assets');
const html = fs.readFileSync(path.join(dir, '..', 'index.html'), 'utf8');
let entryGz = 0;
let totalGz = 0;
for (const name of fs.readdirSync(dir).sort()) {
  const body = fs.readFileSync(path.join(dir, name));
  const gz = gzipSync(body, { level: 9 }).length;
  const loadedFirst = html.includes(name);
  if (loadedFirst) entryGz += gz;
  totalGz += gz;
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(
    `${name.padEnd(40)} ${kb(body.length).padStart(10)}  gz ${kb(gz).padStart(9)}${loadedFirst ? '  (first load)' : ''}`,
  );
}
console.log(
  `dashboard bundle: first load ${(entryGz / 1024).toFixed(1)} KB gz; all assets ${(totalGz / 1024).toFixed(1)} KB gz`,
);
