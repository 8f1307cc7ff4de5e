import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  phpRulesPath,
  pythonRulesPath,
  renderPhpRules,
  renderPythonRules,
  translatePattern,
} from '../scripts/client-bot-rules.ts';
import { botAgentTable } from './clients-harness.ts';

test('the Python and PHP bot rules are exactly what the generator makes from the server rules now', () => {
  const stale = 'is stale: run node --import tsx scripts/generate-client-bot-rules.ts';
  assert.equal(fs.readFileSync(pythonRulesPath, 'utf8'), renderPythonRules(), `${pythonRulesPath} ${stale}`);
  assert.equal(fs.readFileSync(phpRulesPath, 'utf8'), renderPhpRules(), `${phpRulesPath} ${stale}`);
});

test('the translation handles each dialect difference it claims to', () => {
  assert.equal(
    translatePattern('(?<! channel/|google/)google', 'python'),
    '(?<! channel/)(?<!google/)google',
  );
  assert.equal(translatePattern('(?<=ab|c)x', 'python'), '(?:(?<=ab)|(?<=c))x');
  assert.equal(translatePattern('(?<! channel/|google/)google', 'pcre'), '(?<! channel\\/|google\\/)google');
  assert.equal(translatePattern('^a$', 'python'), '^a\\Z');
  assert.equal(translatePattern('[\\w\\d-.]', 'pcre'), '[\\w\\d\\-.]');
  assert.equal(translatePattern('a.b', 'python'), 'a[^\\n\\r\\x82]b');
  assert.equal(
    translatePattern('\\s[\\s/]', 'python'),
    '[\\t\\n\\x0b\\x0c\\r \\x81\\x82][\\t\\n\\x0b\\x0c\\r \\x81\\x82/]',
  );
  assert.throws(() => translatePattern('\\u00e9', 'python'), /unsupported escape/);
  assert.throws(() => translatePattern('é', 'pcre'), /non-ASCII/);
  assert.throws(() => translatePattern('(?<name>a)', 'pcre'), /named group/);
});

/** Runs a script in the given language over the table; returns the agents it judged differently. */
function disagreements(command: string, args: string[], tableFile: string): Array<[string, boolean]> {
  const result = spawnSync(command, [...args, tableFile], { encoding: 'utf8', cwd: process.cwd() });
  assert.equal(result.status, 0, `${command}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

test('server, Node SDK, Python and PHP agree on a shared table of agents', () => {
  const table = botAgentTable(); // asserts the server and the Node SDK agree
  assert.ok(table.some(([, bot]) => bot) && table.some(([, bot]) => !bot));
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-bots-')), 'agents.json');
  fs.writeFileSync(file, JSON.stringify(table));
  const python = `
import json, sys
sys.path.insert(0, 'clients/python')
from zenovay import is_bot
table = json.load(open(sys.argv[1], encoding='utf-8'))
print(json.dumps([[a, b] for a, b in table if is_bot(a) != b]))
`;
  const php = `
require 'clients/php/tests/bootstrap.php';
$table = json_decode(file_get_contents($argv[1]), true);
echo json_encode(array_values(array_filter($table, fn ($row) => Zenovay\\Client::isBot($row[0]) !== $row[1])));
`;
  assert.deepEqual(disagreements('python3', ['-c', python], file), [], 'Python');
  assert.deepEqual(disagreements('php', ['-r', php], file), [], 'PHP');
});
