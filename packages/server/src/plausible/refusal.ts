/**
 * The translation's one way to refuse: throw Plausible's sentence, caught once by
 * `parsePlausibleQuery` (query.ts), so each check reads as one line.
 */
export class Refusal extends Error {}

export const refuse = (sentence: string): never => {
  throw new Refusal(sentence);
};

const shownChars = 200;
const shownDepth = 8;

/**
 * A sent value as JSON, to name it in a sentence: cut at 200 characters and 8 levels deep (a
 * body may nest thousands of arrays, which JSON.parse reads and JSON.stringify overflows on).
 */
export function show(value: unknown): string {
  const text = compactJson(value, 0, { left: shownChars + 1 });
  return text.length > shownChars ? `${text.slice(0, shownChars)}…` : text;
}

function compactJson(value: unknown, depth: number, budget: { left: number }): string {
  if (budget.left <= 0) return '';
  let text: string;
  if (Array.isArray(value) || (typeof value === 'object' && value !== null)) {
    if (depth >= shownDepth) text = Array.isArray(value) ? '[…]' : '{…}';
    else if (Array.isArray(value)) {
      const parts: string[] = [];
      for (const item of value) {
        if (budget.left <= 0) break;
        parts.push(compactJson(item, depth + 1, budget));
      }
      text = `[${parts.join(',')}]`;
    } else {
      const parts: string[] = [];
      for (const [key, item] of Object.entries(value)) {
        if (budget.left <= 0) break;
        parts.push(`${JSON.stringify(key)}:${compactJson(item, depth + 1, budget)}`);
      }
      text = `{${parts.join(',')}}`;
    }
  } else {
    text = JSON.stringify(value) ?? String(value);
  }
  budget.left -= text.length;
  return text;
}
