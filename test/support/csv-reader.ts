/**
 * A strict RFC 4180 reader for tests, small enough to check by eye: the export must not be read
 * back by the library that wrote it. Each cell says whether it was quoted, so tests can check the
 * quoting itself and not only the values.
 */
export interface CsvCell {
  readonly value: string;
  readonly quoted: boolean;
}

export function readCsv(text: string): CsvCell[][] {
  const rows: CsvCell[][] = [];
  let row: CsvCell[] = [];
  let value = '';
  let quoted = false;
  let inQuotes = false;
  const endCell = () => {
    row.push({ value, quoted });
    value = '';
    quoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inQuotes) {
      if (char === '"' && text[i + 1] === '"') {
        value += '"';
        i++;
      } else if (char === '"') inQuotes = false;
      else value += char;
    } else if (char === '"') {
      if (value !== '' || quoted) throw new Error(`a quote inside an unquoted cell at offset ${i}`);
      inQuotes = true;
      quoted = true;
    } else if (char === ',') endCell();
    else if (char === '\n') {
      endCell();
      rows.push(row);
      row = [];
    } else if (quoted) throw new Error(`text after a closing quote at offset ${i}`);
    else value += char;
  }
  if (inQuotes || value !== '' || row.length > 0) throw new Error('the file does not end with a newline');
  return rows;
}
