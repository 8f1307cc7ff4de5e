/**
 * Device, browser and OS from a User-Agent header, by the same rules as our browser tracker
 * (packages/tracker/src/tracker.ts), so a visit counted through Plausible's tracker or a server
 * library lands in the same breakdown rows as one counted by z.js. The tracker also reads
 * `navigator.userAgentData` and touch points; a server has only the header.
 */
const reportNames: Readonly<Record<string, string>> = {
  Edg: 'Edge',
  OPR: 'Opera',
  FxiOS: 'Firefox',
  CriOS: 'Chrome',
  iPhone: 'iOS',
  iPad: 'iOS',
  Mac: 'macOS',
};

/** The token a pattern found: its first group if it has one, else the whole match. */
function reportName(match: RegExpMatchArray | null): string {
  const token = match ? match[1] || match[0] : 'Other';
  return reportNames[token] ?? token;
}

export interface ClientFields {
  readonly device_type: string;
  readonly browser: string;
  readonly os: string;
}

export function clientFields(userAgent: string): ClientFields {
  return {
    device_type: /Mobi|iPhone/.test(userAgent)
      ? 'mobile'
      : /iPad|Tablet|Android/.test(userAgent)
        ? 'tablet'
        : 'desktop',
    // The last of these tokens names the browser (Edge and Opera also say Chrome); Safari is the
    // one left when none is there.
    browser: reportName(userAgent.match(/.*(Edg|OPR|Firefox|FxiOS|CriOS|Chrome)\/|Safari/)),
    // Android also says Linux (before it) and iOS also says Mac (after it).
    os: reportName(userAgent.match(/.*(Android|Windows|iPhone|iPad)|Mac|Linux/)),
  };
}
