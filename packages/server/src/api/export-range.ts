import type { FieldError } from '../errors.ts';

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
/** Longest export in one request: ten years of days; beyond that, split it. */
const maxDays = 3_660;

/** Refusals for an export's `from`/`to` days (real calendar days, in order); empty when fine. */
export function exportRangeErrors(from: string | undefined, to: string | undefined): FieldError[] {
  const errors: FieldError[] = [];
  if (!isCalendarDay(from)) errors.push({ field: 'from', reason: 'must be a calendar day as YYYY-MM-DD' });
  if (!isCalendarDay(to)) errors.push({ field: 'to', reason: 'must be a calendar day as YYYY-MM-DD' });
  if (errors.length > 0) return errors;
  const days = (Date.parse(to!) - Date.parse(from!)) / 86_400_000;
  if (days < 0) errors.push({ field: 'to', reason: 'must not be before from' });
  else if (days >= maxDays) errors.push({ field: 'to', reason: `covers more than ${maxDays} days` });
  return errors;
}

function isCalendarDay(value: string | undefined): value is string {
  if (value === undefined || !dayPattern.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}
