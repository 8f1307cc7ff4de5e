// Writes src/bot-patterns.generated.ts from the server's bot rules, so the SDK's isBot() and the
// server's filter are one list. Run: npm run generate:bot-patterns -w @zenovay/node
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedBotPatternsPath, renderBotPatternsModule } from './bot-patterns-source.ts';

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(packageRoot, generatedBotPatternsPath);
fs.writeFileSync(target, renderBotPatternsModule());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
