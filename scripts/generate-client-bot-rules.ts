// Writes the Python and PHP clients' bot rules from the server's (the one source), translated for
// each regex dialect. Run: node --import tsx scripts/generate-client-bot-rules.ts
import fs from 'node:fs';
import { phpRulesPath, pythonRulesPath, renderPhpRules, renderPythonRules } from './client-bot-rules.ts';

fs.writeFileSync(pythonRulesPath, renderPythonRules());
fs.writeFileSync(phpRulesPath, renderPhpRules());
console.log(`wrote ${pythonRulesPath} and ${phpRulesPath}`);
