/**
 * Whether a client's regular expression is RE2 syntax, checked in JS before any engine sees it
 * (DuckDB and ClickHouse compile `matches` patterns with RE2 and fail the whole statement on a
 * pattern they cannot read). RE2 and JS mostly agree; where they differ this reads RE2's rules:
 * its escapes (`\pL`, `\x{41}`, `\Q…\E`, `\A`, `\z`; no `\u`, `\c`, `\k`, `\Z`…), its groups
 * (`(?P<name>`, `(?flags)`, `(?flags:`; no look-around or atomic groups), POSIX classes
 * (`[[:alpha:]]`) and repeat counts of at most 1000. The pattern is then rewritten into the JS
 * it means structurally, so `RegExp` finds the rest (unbalanced groups, nothing to repeat, ranges
 * out of order). It is compiled, never run.
 */

const posixClasses = new Set(
  'alnum alpha ascii blank cntrl digit graph lower print punct space upper word xdigit'.split(' '),
);
const maxRepeat = 1000;

/** Unicode classes for `\p{…}`: the general categories and the most used scripts. */
const unicodeClasses = new Set(
  [
    'Any C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs',
    'Arabic Armenian Bengali Common Cyrillic Devanagari Georgian Greek Han Hangul Hebrew Hiragana',
    'Inherited Katakana Latin Tamil Thai',
  ]
    .join(' ')
    .split(' '),
);

/** Assertions RE2 reads after a backslash outside a class, as JS writes them. */
const assertions: Readonly<Record<string, string>> = { A: '^', z: '$', b: '\\b', B: '\\B' };

type Step =
  | { readonly js: string; readonly next: number; readonly single?: boolean }
  | { readonly problem: string };

function jsLiteral(char: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(char) ? `\\${char}` : char;
}

/** A code point as a JS escape that means the same character (BMP), else a stand-in letter. */
function codePoint(code: number): string {
  return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : 'x';
}

/** The escape at `at` (the backslash), as JS, the index after it, and whether it is one character. */
function escapeAt(pattern: string, at: number, inClass: boolean): Step {
  const letter = pattern[at + 1];
  if (letter === undefined) return { problem: 'a trailing backslash' };
  if (!/[A-Za-z0-9]/.test(letter)) return { js: `\\${letter}`, next: at + 2, single: true };
  if ('aftnrv'.includes(letter)) return { js: `\\${letter}`, next: at + 2, single: true };
  if ('dDsSwW'.includes(letter)) return { js: `\\${letter}`, next: at + 2 };
  if (!inClass && assertions[letter]) return { js: assertions[letter], next: at + 2 };
  if (letter === 'x') {
    const hex = /^\\x(?:([0-9A-Fa-f]{2})|\{([0-9A-Fa-f]{1,6})\})/.exec(pattern.slice(at));
    if (!hex) return { problem: `"\\x" without a hex code` };
    const code = Number.parseInt(hex[1] ?? hex[2] ?? '0', 16);
    if (code > 0x10ffff) return { problem: `"${hex[0]}" (beyond Unicode)` };
    return { js: codePoint(code), next: at + hex[0].length, single: true };
  }
  if (letter === 'p' || letter === 'P') {
    const name = /^\\[pP](?:([CLMNPSZ])|\{\^?([A-Za-z]+)\})/.exec(pattern.slice(at));
    if (!name || (name[2] !== undefined && !unicodeClasses.has(name[2]))) {
      return { problem: `"${pattern.slice(at, at + 12)}" (a Unicode class RE2 may not know)` };
    }
    return { js: 'x', next: at + name[0].length };
  }
  if (letter === '0') {
    const octal = /^\\0[0-7]{0,2}/.exec(pattern.slice(at))!;
    return { js: codePoint(Number.parseInt(octal[0].slice(1), 8)), next: at + octal[0].length, single: true };
  }
  if (letter === 'Q' && !inClass) {
    const end = pattern.indexOf('\\E', at + 2);
    const text = pattern.slice(at + 2, end < 0 ? pattern.length : end);
    return { js: [...text].map(jsLiteral).join(''), next: end < 0 ? pattern.length : end + 2 };
  }
  if (/[1-9]/.test(letter)) return { problem: 'back-references' };
  return { problem: `"\\${letter}"` };
}

/** The group opener `(?…` at `at`, as JS. */
function group(pattern: string, at: number): Step {
  const rest = pattern.slice(at);
  const named = /^\(\?P<[A-Za-z_][A-Za-z0-9_]*>/.exec(rest);
  if (named) return { js: '(', next: at + named[0].length };
  const flags = /^\(\?(?:[imsU]+(?:-[imsU]+)?|-[imsU]+)?([:)])/.exec(rest);
  if (!flags || (flags[1] === ')' && flags[0] === '(?)')) {
    return { problem: `the group "${rest.slice(0, 4)}"` };
  }
  return { js: flags[1] === ':' ? '(?:' : '', next: at + flags[0].length };
}

interface ClassItem {
  readonly js: string;
  /** One character (a range may start or end with it). */
  readonly single: boolean;
  readonly dash?: true;
}

/** The class `[…]` at `at`, as JS; a range's ends must be single characters (not `\\d`, `[:alpha:]`). */
function characterClass(pattern: string, at: number): Step {
  const items: ClassItem[] = [];
  let i = at + 1;
  const negated = pattern[i] === '^';
  if (negated) i += 1;
  // A `]` first is a literal.
  if (pattern[i] === ']') {
    items.push({ js: '\\]', single: true });
    i += 1;
  }
  while (i < pattern.length && pattern[i] !== ']') {
    const posix = /^\[:(\^?)([a-z]+):\]/.exec(pattern.slice(i));
    if (posix) {
      if (!posixClasses.has(posix[2]!)) return { problem: `the class "[:${posix[2]}:]"` };
      items.push({ js: '\\w', single: false });
      i += posix[0].length;
    } else if (pattern[i] === '\\') {
      const step = escapeAt(pattern, i, true);
      if ('problem' in step) return step;
      items.push({ js: step.js, single: step.single === true });
      i = step.next;
    } else {
      const char = pattern[i]!;
      items.push(
        char === '-' ? { js: '-', single: true, dash: true } : { js: jsLiteral(char), single: true },
      );
      i += 1;
    }
  }
  if (i >= pattern.length) return { problem: 'an unclosed "["' };
  for (let k = 1; k < items.length - 1; k += 1) {
    if (items[k]!.dash && !(items[k - 1]!.single && items[k + 1]!.single)) {
      return { problem: 'a class range whose end is not one character' };
    }
  }
  return { js: `[${negated ? '^' : ''}${items.map((item) => item.js).join('')}]`, next: i + 1 };
}

/** `{n}`, `{n,}`, `{n,m}` at `at`: a repeat (counts at most 1000), or a literal brace. */
function repeat(pattern: string, at: number): Step {
  const counts = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(at));
  if (!counts) return { js: '\\{', next: at + 1 };
  const numbers = [counts[1], counts[3]].filter((n): n is string => n !== undefined && n !== '');
  if (numbers.some((n) => Number(n) > maxRepeat)) return { problem: `a repeat count above ${maxRepeat}` };
  return { js: counts[0], next: at + counts[0].length };
}

/** Why `pattern` is not RE2 syntax, or null when it is. */
export function re2SyntaxProblem(pattern: string): string | null {
  let js = '';
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i]!;
    let step: Step;
    if (char === '\\') step = escapeAt(pattern, i, false);
    else if (char === '(' && pattern[i + 1] === '?') step = group(pattern, i);
    else if (char === '[') step = characterClass(pattern, i);
    else if (char === '{') step = repeat(pattern, i);
    else step = { js: char === '/' ? '\\/' : char, next: i + 1 };
    if ('problem' in step) return `${step.problem} (patterns are RE2 syntax)`;
    js += step.js;
    i = step.next;
  }
  try {
    new RegExp(js);
  } catch {
    return 'not a valid regular expression';
  }
  return null;
}
