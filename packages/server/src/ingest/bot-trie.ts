/**
 * Folds hundreds of regex sources into one alternation shaped as a trie on their literal
 * prefixes: `(?:g(?:ooglebot|ptbot)|b(?:ingbot|aidu))` instead of `googlebot|gptbot|bingbot|baidu`.
 * A regex engine tries every alternative at every position of the agent; with the trie it tries
 * one branch per first character, so the cost no longer grows with the length of the list.
 * Sources anchored with `^` share one `^(?:…)` trie, which fails at once past the first position.
 * The result matches what the sources' alternation matches under the `i` flag (prefixes are
 * lower-cased ASCII; a source whose start is not a plain literal stays a branch of its own).
 * With `wordStart`, a source that begins with a letter only matches where a word begins.
 * `trieParts` gives the anchored, the free and the word-start tries as separate sources: tested as
 * separate expressions they are faster than one alternation of the three (the engine's quick
 * first-character test does not see through the alternation).
 */
export function trieParts(sources: readonly string[], options: { wordStart?: boolean } = {}): string[] {
  const free = emptyNode();
  const anchored = emptyNode();
  const words = emptyNode();
  for (const branch of sources.flatMap(topLevelBranches)) {
    const isAnchored = branch.startsWith('^');
    const [prefix, rest] = literalPrefix(isAnchored ? branch.slice(1) : branch);
    const start = isAnchored ? anchored : options.wordStart && /^[a-z]/.test(prefix) ? words : free;
    let node = start;
    for (const char of prefix) {
      let child = node.children.get(char);
      if (!child) {
        child = emptyNode();
        node.children.set(char, child);
      }
      node = child;
    }
    node.rests.push(rest);
  }
  const branches: string[] = [];
  if (!isEmpty(anchored)) branches.push(`^${group(render(anchored))}`);
  if (!isEmpty(free)) branches.push(render(free));
  // A name that begins with a letter must begin a word: `Upflow` names no one in `SignupFlow`.
  // Matching the character before the word (rather than `\b`) lets the engine skip every position
  // inside a word at its first test, so the names are only tried where words begin.
  if (!isEmpty(words)) branches.push(`(?:^|[^\\w])${group(render(words))}`);
  return branches;
}

/** The parts as one alternation. */
export function trieSource(sources: readonly string[], options: { wordStart?: boolean } = {}): string {
  const parts = trieParts(sources, options);
  return parts.length === 1 ? parts[0]! : `(?:${parts.join('|')})`;
}

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  readonly rests: string[];
}

function emptyNode(): TrieNode {
  return { children: new Map(), rests: [] };
}

function isEmpty(node: TrieNode): boolean {
  return node.children.size === 0 && node.rests.length === 0;
}

function sorted(node: TrieNode): Array<[string, TrieNode]> {
  return [...node.children.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

function group(source: string): string {
  return source.startsWith('(?:') && source.endsWith(')') ? source : `(?:${source})`;
}

function render(node: TrieNode): string {
  // A pattern that ends here matches already: longer branches below it add nothing.
  if (node.rests.includes('')) return '';
  const branches = sorted(node).map(([char, child]) => escapeLiteral(char) + render(child));
  branches.push(...new Set(node.rests));
  return branches.length === 1 ? branches[0]! : `(?:${branches.join('|')})`;
}

/** Letters, digits and space stay; other printable ASCII is escaped (valid in JS, Python, PCRE). */
function escapeLiteral(char: string): string {
  return /[a-z0-9 ]/.test(char) ? char : `\\${char}`;
}

/**
 * Splits `source` into its plain literal start (lower-cased) and the rest. A literal followed by
 * a quantifier belongs to the rest, so `bots?` is `bo` + `ts?`; `[wW]` is the literal `w`.
 */
function literalPrefix(source: string): [string, string] {
  let prefix = '';
  let i = 0;
  while (i < source.length) {
    const [literal, width] = literalAt(source, i);
    if (literal === null || /[?*+{]/.test(source[i + width] ?? '')) break;
    prefix += literal;
    i += width;
  }
  return [prefix, source.slice(i)];
}

/** The literal character at `i` (lower-cased) and the width of its notation, or null. */
function literalAt(source: string, i: number): [string | null, number] {
  const ch = source[i]!;
  if (/[A-Za-z0-9 ]/.test(ch)) return [ch.toLowerCase(), 1];
  if (/[!"#%&',\-/:;<=>@_`~]/.test(ch)) return [ch, 1];
  const next = source[i + 1] ?? '';
  if (ch === '\\' && /[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]/.test(next)) return [next, 2];
  // A class of one letter in both cases, as case-sensitive lists write them.
  const pair = /^\[([A-Za-z])([A-Za-z])\]/.exec(source.slice(i));
  if (pair && pair[1]!.toLowerCase() === pair[2]!.toLowerCase()) return [pair[1]!.toLowerCase(), 4];
  return [null, 0];
}

/** The branches of a source's top-level `|` (each is a pattern of its own in an alternation). */
function topLevelBranches(source: string): string[] {
  const branches: string[] = [];
  let depth = 0;
  let inClass = false;
  let from = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') i++;
    else if (inClass) inClass = ch !== ']';
    else if (ch === '[') inClass = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) {
      branches.push(source.slice(from, i));
      from = i + 1;
    }
  }
  branches.push(source.slice(from));
  return branches;
}
