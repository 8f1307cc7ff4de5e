/**
 * Finds the links of a Markdown page the way a reader meets them: inline links and images,
 * reference definitions, autolinks, bare URLs and HTML `href`/`src` attributes in the prose. Code
 * (fenced blocks and inline spans) is skipped, since a URL in an example is not a link. Also gives
 * the anchors GitHub makes for the page's headings.
 */

export interface MarkdownLink {
  readonly target: string;
  /** 1-based line of the page. */
  readonly line: number;
}

const inlineLink = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const referenceDefinition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/;
const htmlAttribute = /\b(?:href|src)\s*=\s*["']([^"']+)["']/g;
const bareUrl = /\bhttps?:\/\/[^\s<>()[\]"'`]+/g;

/** The page's lines with code removed: fenced blocks become empty lines, inline spans vanish. */
export function proseLines(markdown: string): string[] {
  const lines = markdown.split('\n');
  let fence: string | null = null;
  return lines.map((line) => {
    const opener = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence !== null) {
      if (opener && opener[1]!.startsWith(fence)) fence = null;
      return '';
    }
    if (opener) {
      fence = opener[1]!;
      return '';
    }
    return line.replace(/(`+)(?:(?!\1)[\s\S])*?\1/g, '');
  });
}

export function markdownLinks(markdown: string): MarkdownLink[] {
  const found: MarkdownLink[] = [];
  proseLines(markdown).forEach((text, index) => {
    const line = index + 1;
    const targets = new Set<string>();
    for (const match of text.matchAll(inlineLink)) targets.add(match[1]!);
    const definition = referenceDefinition.exec(text);
    if (definition) targets.add(definition[1]!);
    for (const match of text.matchAll(htmlAttribute)) targets.add(match[1]!);
    for (const match of text.matchAll(bareUrl)) targets.add(match[0].replace(/[.,;:!?*_]+$/, ''));
    for (const target of targets) found.push({ target, line });
  });
  return found;
}

/** GitHub's anchor for a heading text: lower case, punctuation dropped, spaces to hyphens. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor the page's headings make, with GitHub's `-1`, `-2` suffixes for repeats. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLinesKeepingCode(markdown)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = headingSlug(heading[1]!);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Lines outside fenced blocks, inline code kept (a heading's code text is part of its anchor). */
function proseLinesKeepingCode(markdown: string): string[] {
  let fence: string | null = null;
  const kept: string[] = [];
  for (const line of markdown.split('\n')) {
    const opener = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence !== null) {
      if (opener && opener[1]!.startsWith(fence)) fence = null;
    } else if (opener) fence = opener[1]!;
    else kept.push(line);
  }
  return kept;
}
