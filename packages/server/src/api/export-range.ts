import { calendarDayReason, isCalendarDay } from '../dates/calendar-day.ts';
import type { FieldError } from '../errors.ts';

/** Longest export in one request: ten years of days; beyond that, split it. */
const maxDays = 3_660;

/** Refusals for an export's `from`/`to` days (real calendar days, in order); empty when fine. */
export function exportRangeErrors(from: string | undefined, to: string | undefined): FieldError[] {
  const errors: FieldError[] = [];
  if (!isCalendarDay(from)) errors.push({ field: 'from', reason: calendarDayReason });
  if (!isCalendarDay(to)) errors.push({ field: 'to', reason: calendarDayReason });
  if (errors.length > 0) return errors;
  const days = (Date.parse(to!) - Date.parse(from!)) / 86_400_000;
  if (days < 0) errors.push({ field: 'to', reason: 'must not be before from' });
  else if (days >= maxDays) errors.push({ field: 'to', reason: `covers more than ${maxDays} days` });
  return errors;
}
