/**
 * The translation's one way to refuse: throw Plausible's sentence, caught once by
 * `parsePlausibleQuery` (query.ts), so each check reads as one line.
 */
export class Refusal extends Error {}

export const refuse = (sentence: string): never => {
  throw new Refusal(sentence);
};

/** A sent value as JSON, to name it in a sentence. */
export const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
};
