/**
 * The one way a value reaches ClickHouse SQL. ClickHouse 18.16 has no query parameters, so every
 * string is written as a quoted literal: backslash and quote are escaped, and so are the control
 * characters that its parsers treat specially. The same literal syntax is valid in current
 * ClickHouse. `test/scale-clickhouse.test.ts` round-trips arbitrary strings through a real server.
 */
export function sqlString(value: string): string {
  let out = "'";
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case "'":
        out += "\\'";
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\0':
        out += '\\0';
        break;
      default:
        out += ch;
    }
  }
  return `${out}'`;
}

/** An integer literal; anything else is a programming error, refused before it reaches SQL. */
export function sqlInt(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not a safe integer: ${value}`);
  return String(value);
}

/** A finite floating-point literal (JavaScript's shortest round-trip form, e.g. 163.45 or 1e-7). */
export function sqlFloat(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}

/** A 64-bit integer given as decimal text (amounts beyond 2^53); anything else is refused. */
export function sqlIntText(value: string): string {
  if (!/^-?\d{1,19}$/.test(value)) throw new Error(`not an integer: ${value}`);
  return value;
}

export function sqlStringArray(values: readonly string[]): string {
  return `[${values.map(sqlString).join(',')}]`;
}

/** A table or database name from configuration: plain identifiers only, never user input. */
export function sqlIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a plain identifier: ${name}`);
  return name;
}
