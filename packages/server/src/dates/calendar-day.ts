/**
 * Calendar days as clients write them (`YYYY-MM-DD`). `Date.parse` accepts 2026-02-30 and rolls
 * it over to 2 March, so a range a client never asked for would be answered; every day a client
 * sends is checked here instead, by arithmetic on the Gregorian calendar.
 */

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The reason a refusal gives for a day that is not one (one wording everywhere). */
export const calendarDayReason = 'must be a real calendar day written YYYY-MM-DD';

/** Gregorian leap years: every fourth, except centuries not divisible by 400. */
function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True for a day that exists: 2024-02-29 yes; 2025-02-29, 2026-02-30, 2026-13-01, 2026-04-31 no. */
export function isCalendarDay(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = dayPattern.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * True when an ISO 8601 date-time's date part is a real day. The time part is left to
 * `Date.parse`, which refuses hours and minutes out of range but rolls impossible days over.
 */
export function hasCalendarDayPrefix(value: string): boolean {
  return isCalendarDay(value.slice(0, 10)) && value.charAt(10) === 'T';
}
