import { type CompiledBotRules, compiledBotRules } from '../packages/server/src/ingest/bot-compiled.ts';

/**
 * Translates the server's compiled bot rules (JavaScript regex sources, compiled with the `i` flag
 * and no `u` flag; packages/server/src/ingest/bot-compiled.ts) into Python `re` and PHP PCRE
 * sources that judge every user agent alike, and renders the files the Python and PHP clients
 * ship. The one source stays packages/server/src/ingest/bot-rules.ts; these files are generated
 * from it and a test fails when a checked-in copy differs from what this module renders now.
 *
 * Why a translation and not the sources as they are: the three dialects differ where it matters.
 * - `\s` is Unicode whitespace in JavaScript, ASCII whitespace in `re.ASCII` and byte-mode PCRE.
 * - `.` excludes \n, \r, U+2028 and U+2029 in JavaScript; only \n in Python and PCRE.
 * - `$` also matches before a final newline in Python and PCRE (fixed by `\Z` and the D flag).
 * - Python needs every branch of a lookbehind to have one width: `(?<!a|bc)` is split.
 * - PCRE2 refuses a hyphen next to a class escape (`[\w\d-.]`), which JavaScript reads as literal.
 * - Counting: JavaScript counts UTF-16 units, Python code points, byte-mode PCRE bytes.
 *
 * The clients therefore first map the agent to a "JavaScript-equivalent" ASCII-plus-markers
 * string: ASCII stays; U+2028/U+2029 become \x82; other JavaScript whitespace becomes \x81; every
 * other UTF-16 unit becomes \x80 (an astral character is two). ASCII-only patterns (checked here)
 * cannot tell the difference, and the translated `\s` and `.` know the markers.
 */

export const markerWhitespace = '\\x81';
export const markerLineTerminator = '\\x82';
/** JavaScript's `\s` over the mapped string. */
const whitespaceClassBody = `\\t\\n\\x0b\\x0c\\r ${markerWhitespace}${markerLineTerminator}`;
/** JavaScript's `.` (no `s` flag) over the mapped string. */
const anyButLineTerminator = `[^\\n\\r${markerLineTerminator}]`;

export type Dialect = 'python' | 'pcre';

const classEscapes = new Set(['d', 'D', 'w', 'W', 's', 'S']);
const allowedEscapes = new Set(['d', 'D', 'w', 'W', 's', 'S', 'b', 'B', 'n', 'r', 't', 'f', 'v']);

/** One JavaScript regex source in the target dialect; throws on a construct it cannot vouch for. */
export function translatePattern(source: string, dialect: Dialect): string {
  if (/[^\x20-\x7e]/.test(source)) throw new Error(`non-ASCII or control character in ${source}`);
  if (/\(\?<[^=!]/.test(source)) throw new Error(`named group in ${source}`);
  return translateSequence(source, dialect);
}

function translateSequence(source: string, dialect: Dialect): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\\') {
      const next = source[i + 1];
      if (next === undefined) throw new Error(`trailing backslash in ${source}`);
      out += escapeOutsideClass(next, source);
      i += 2;
    } else if (ch === '[') {
      const end = classEnd(source, i);
      out += translateClass(source.slice(i + 1, end), dialect, source);
      i = end + 1;
    } else if (source.startsWith('(?<!', i) || source.startsWith('(?<=', i)) {
      const end = groupEnd(source, i);
      const negative = source[i + 3] === '!';
      const branches = topLevelBranches(source.slice(i + 4, end)).map((b) => translateSequence(b, dialect));
      if (dialect === 'pcre' || branches.length === 1) {
        out += `(?<${negative ? '!' : '='}${branches.join('|')})`;
      } else if (negative) {
        out += branches.map((b) => `(?<!${b})`).join('');
      } else {
        out += `(?:${branches.map((b) => `(?<=${b})`).join('|')})`;
      }
      i = end + 1;
    } else if (ch === '.') {
      out += anyButLineTerminator;
      i++;
    } else if (ch === '$') {
      out += dialect === 'python' ? '\\Z' : '$';
      i++;
    } else if (ch === '/' && dialect === 'pcre') {
      out += '\\/';
      i++;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

function escapeOutsideClass(next: string, source: string): string {
  if (/[A-Za-z0-9]/.test(next) && !allowedEscapes.has(next)) {
    throw new Error(`unsupported escape \\${next} in ${source}`);
  }
  if (next === 's') return `[${whitespaceClassBody}]`;
  if (next === 'S') return `[^${whitespaceClassBody}]`;
  if (next === 'v') return '\\x0b';
  return `\\${next}`;
}

/** `body` is what stands between `[` and `]`. */
function translateClass(body: string, dialect: Dialect, source: string): string {
  let negated = false;
  let i = 0;
  if (body[0] === '^') {
    negated = true;
    i = 1;
  }
  // Split into atoms first, so a hyphen can see its neighbours.
  const atoms: string[] = [];
  while (i < body.length) {
    if (body[i] === '\\') {
      const next = body[i + 1];
      if (next === undefined) throw new Error(`trailing backslash in ${source}`);
      if (/[A-Za-z0-9]/.test(next) && !allowedEscapes.has(next)) {
        throw new Error(`unsupported escape \\${next} in ${source}`);
      }
      if (next === 'b' || next === 'B') throw new Error(`\\${next} in a class in ${source}`);
      atoms.push(`\\${next}`);
      i += 2;
    } else {
      atoms.push(body[i]!);
      i++;
    }
  }
  // `[\s\S]` (any character at all, as the crawler list writes it) means the same in every dialect.
  if (!negated && atoms.includes('\\s') && atoms.includes('\\S')) return '[\\s\\S]';
  const isClassEscape = (atom: string | undefined) =>
    atom !== undefined && atom.length === 2 && classEscapes.has(atom[1]!);
  let out = negated ? '[^' : '[';
  atoms.forEach((atom, index) => {
    if (atom === '-' && index > 0 && index < atoms.length - 1) {
      // JavaScript (Annex B) reads a hyphen next to \d, \w, \s as a literal; PCRE2 refuses it.
      if (isClassEscape(atoms[index - 1]) || isClassEscape(atoms[index + 1])) {
        out += '\\-';
        return;
      }
    }
    if (atom === '\\s') out += whitespaceClassBody;
    else if (atom === '\\S') throw new Error(`\\S in a class in ${source}`);
    else if (atom === '\\v') out += '\\x0b';
    else if (atom === '/' && dialect === 'pcre') out += '\\/';
    else if (atom === '[' && dialect === 'python')
      out += '\\['; // Python warns about nested sets
    else out += atom;
  });
  return `${out}]`;
}

/** Index of the `]` closing the class opened at `start`. */
function classEnd(source: string, start: number): number {
  let i = start + 1;
  if (source[i] === '^') i++;
  if (source[i] === ']') throw new Error(`empty class in ${source}`);
  while (i < source.length) {
    if (source[i] === '\\') i += 2;
    else if (source[i] === ']') return i;
    else i++;
  }
  throw new Error(`unclosed class in ${source}`);
}

/** Index of the `)` closing the group opened at `start`. */
function groupEnd(source: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\\') i += 2;
    else if (ch === '[') i = classEnd(source, i) + 1;
    else {
      if (ch === '(') depth++;
      if (ch === ')' && --depth === 0) return i;
      i++;
    }
  }
  throw new Error(`unclosed group in ${source}`);
}

function topLevelBranches(body: string): string[] {
  const branches: string[] = [];
  let depth = 0;
  let from = 0;
  let i = 0;
  while (i < body.length) {
    const ch = body[i]!;
    if (ch === '\\') i += 2;
    else if (ch === '[') i = classEnd(body, i) + 1;
    else {
      if (ch === '(') depth++;
      if (ch === ')') depth--;
      if (ch === '|' && depth === 0) {
        branches.push(body.slice(from, i));
        from = i + 1;
      }
      i++;
    }
  }
  branches.push(body.slice(from));
  return branches;
}

export const pythonRulesPath = 'clients/python/zenovay/_bot_patterns.py';
export const phpRulesPath = 'clients/php/src/BotPatterns.php';

const header = [
  'Generated by scripts/generate-client-bot-rules.ts from packages/server/src/ingest/bot-rules.ts',
  '(compiledBotRules()), translated from JavaScript regex. Do not edit: run',
  '`node --import tsx scripts/generate-client-bot-rules.ts`. A test fails when this file is stale.',
];

/** `browserShape` -> `BROWSER_SHAPE`. */
function constantName(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase();
}

export function renderPythonRules(rules: CompiledBotRules = compiledBotRules()): string {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(rules)) {
    const name = constantName(key);
    if (typeof value === 'string') lines.push(`${name} = ${pythonString(translatePattern(value, 'python'))}`);
    else {
      const items = value.map((source: string) => `    ${pythonString(translatePattern(source, 'python'))},`);
      lines.push(`${name} = (`, ...items, ')');
    }
  }
  return [
    ...header.map((line) => `# ${line}`),
    '# Patterns are for re.IGNORECASE | re.ASCII over the agent mapped by zenovay.bots.',
    ...lines,
    '',
  ].join('\n');
}

export function renderPhpRules(rules: CompiledBotRules = compiledBotRules()): string {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(rules)) {
    const name = constantName(key);
    if (typeof value === 'string') {
      lines.push(`    public const ${name} = ${phpString(translatePattern(value, 'pcre'))};`);
    } else {
      const items = value.map((source: string) => `        ${phpString(translatePattern(source, 'pcre'))},`);
      lines.push(`    public const ${name} = [`, ...items, '    ];');
    }
  }
  return [
    '<?php',
    '',
    ...header.map((line) => `// ${line}`),
    '',
    'declare(strict_types=1);',
    '',
    'namespace Zenovay;',
    '',
    '/** PCRE sources (byte mode, flags iD, "/" escaped) over the agent mapped by BotFilter. */',
    'final class BotPatterns',
    '{',
    ...lines,
    '}',
    '',
  ].join('\n');
}

/** A Python raw string when possible (readable), else a plain one. */
function pythonString(text: string): string {
  if (!text.includes("'") && !text.endsWith('\\')) return `r'${text}'`;
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A PHP single-quoted string: only \\ and \' are escapes there. */
function phpString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
