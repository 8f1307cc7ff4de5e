import type { Compared, ReportData, ReportRow } from './report-data.ts';

/** A mail's parts: the same numbers as HTML and as plain text. */
export interface RenderedReport {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

/**
 * Everything from ingest is hostile (page paths, sources, goal names), and so is what people type
 * (site names): escaped before it is HTML, in mails and in the unsubscribe page alike.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** "+25%", "−10%", "new", "no change": the change against the period before. */
export function changeText(number: Compared): string {
  if (number.previous === 0) return number.value === 0 ? 'no change' : 'new';
  const percent = Math.round(((number.value - number.previous) / number.previous) * 100);
  if (percent === 0) return 'no change';
  return percent > 0 ? `+${percent}%` : `−${Math.abs(percent)}%`;
}

function duration(seconds: number): string {
  const whole = Math.round(seconds);
  const minutes = Math.floor(whole / 60);
  return minutes > 0 ? `${minutes}m ${whole % 60}s` : `${whole}s`;
}

const integer = (value: number) => Math.round(value).toLocaleString('en-US');

interface Line {
  readonly label: string;
  readonly value: string;
  readonly change: string;
}

function headline(data: ReportData): Line[] {
  return [
    { label: 'Visitors', value: integer(data.visitors.value), change: changeText(data.visitors) },
    { label: 'Pageviews', value: integer(data.pageviews.value), change: changeText(data.pageviews) },
    {
      label: 'Bounce rate',
      value: `${Math.round(data.bounceRate.value)}%`,
      change: changeText(data.bounceRate),
    },
    {
      label: 'Visit duration',
      value: duration(data.visitDuration.value),
      change: changeText(data.visitDuration),
    },
  ];
}

function rowsOf(rows: readonly ReportRow[]): Line[] {
  return rows.map((row) => ({
    label: row.name,
    value: integer(row.visitors.value),
    change: changeText(row.visitors),
  }));
}

function goalLines(data: ReportData): Line[] {
  return data.goals.map((goal) => ({
    label: goal.name,
    value: `${integer(goal.conversions.value)} conversion${goal.conversions.value === 1 ? '' : 's'}${
      goal.revenue ? `, ${goal.revenue.value} ${goal.revenue.currency}` : ''
    }`,
    change: changeText(goal.conversions),
  }));
}

/** The report as a mail with an unsubscribe link (works without signing in). */
export function renderReport(data: ReportData, unsubscribeUrl: string): RenderedReport {
  const kind = data.frequency === 'weekly' ? 'Weekly' : 'Monthly';
  const span = `${data.period.start} to ${data.period.end}`;
  const subject = `${kind} report for ${data.site.name}: ${span}`;
  const sections: Array<{ title: string; lines: Line[]; empty: string }> = [
    { title: 'Top sources', lines: rowsOf(data.sources), empty: 'No visits.' },
    { title: 'Top pages', lines: rowsOf(data.pages), empty: 'No pageviews.' },
    ...(data.goals.length > 0 ? [{ title: 'Goals', lines: goalLines(data), empty: '' }] : []),
  ];

  const text = [
    subject,
    `Compared with the ${data.frequency === 'weekly' ? 'week' : 'month'} before.`,
    '',
    ...headline(data).map((line) => `${line.label}: ${line.value} (${line.change})`),
    ...sections.flatMap((section) => [
      '',
      `${section.title}:`,
      ...(section.lines.length === 0
        ? [`  ${section.empty}`]
        : section.lines.map((line) => `  ${line.label}: ${line.value} (${line.change})`)),
    ]),
    '',
    `Stop these reports: ${unsubscribeUrl}`,
    '',
  ].join('\n');

  const cell = 'style="padding:4px 12px 4px 0;border-bottom:1px solid #eee"';
  const table = (lines: Line[]) =>
    `<table style="border-collapse:collapse;font-size:14px">${lines
      .map(
        (line) =>
          `<tr><td ${cell}>${escapeHtml(line.label)}</td><td ${cell}><strong>${escapeHtml(line.value)}</strong></td><td ${cell} style="color:#666">${escapeHtml(line.change)}</td></tr>`,
      )
      .join('')}</table>`;
  const html = `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#111;max-width:600px">
<h1 style="font-size:20px">${escapeHtml(subject)}</h1>
<p style="color:#666">Compared with the ${data.frequency === 'weekly' ? 'week' : 'month'} before.</p>
${table(headline(data))}
${sections
  .map(
    (section) =>
      `<h2 style="font-size:16px;margin-top:24px">${escapeHtml(section.title)}</h2>${
        section.lines.length === 0
          ? `<p style="color:#666">${escapeHtml(section.empty)}</p>`
          : table(section.lines)
      }`,
  )
  .join('\n')}
<p style="margin-top:32px;font-size:12px;color:#666"><a href="${escapeHtml(unsubscribeUrl)}">Stop these reports</a></p>
</body></html>`;
  return { subject, html, text };
}
