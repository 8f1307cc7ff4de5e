import type { Revenue } from './revenue.ts';
import type { WebUrl } from './url-parts.ts';

/** An event that passed validation: what the sender told us, normalised. */
export interface ValidEvent {
  readonly eventType: 'pageview' | 'custom';
  /** `pageview` for pageviews; the sender's name for custom events. */
  readonly eventName: string;
  readonly url: WebUrl;
  readonly referrer: WebUrl | null;
  readonly sessionId: string;
  readonly visitorId: string | null;
  readonly deviceType: string;
  readonly browser: string;
  readonly os: string;
  readonly userAgent: string;
  readonly propKeys: string[];
  readonly propValues: string[];
  readonly eventId: string | null;
  /** Revenue of the event (revenue.ts), exact. */
  readonly revenue: Revenue | null;
  /** The sender's id of a signed-in person: hashed per site into the visitor id, never stored. */
  readonly userId: string | null;
  /**
   * False when the sender said `interactive: false` (Plausible's flag): a custom event that does
   * not end a bounce. It still counts as an event everywhere else.
   */
  readonly interactive: boolean;
}

/** One stored event row; the same shape for every event store. */
export interface EventRow {
  /** Receive time, milliseconds since the epoch (UTC). */
  ts: number;
  siteId: string;
  eventType: 'pageview' | 'custom';
  eventName: string;
  hostname: string;
  pathname: string;
  query: string;
  utmSource: string;
  utmMedium: string;
  utmCampaign: string;
  utmTerm: string;
  utmContent: string;
  referrer: string;
  referrerHost: string;
  sessionId: string;
  visitorId: string;
  deviceType: string;
  browser: string;
  os: string;
  country: string;
  region: string;
  city: string;
  propKeys: string[];
  propValues: string[];
  /** The sender's idempotency key, or '' when none was sent. */
  eventId: string;
  /**
   * Revenue amount in ten-thousandths of `revenueCurrency`, as integer text ('0' when none): text,
   * not a number, because amounts up to 10^12 units need more than 2^53 ten-thousandths, and rows
   * travel as JSON (the spool). Rows written before revenue existed lack both fields.
   */
  revenueE4?: string;
  /** ISO 4217, upper case; '' when the event carries no revenue. */
  revenueCurrency?: string;
  /**
   * False for an event sent with `interactive: false`: a custom event that does not end a bounce
   * (stats/fields.ts). Rows written before the flag existed lack it and read as interactive.
   */
  interactive?: boolean;
}

/** Where a location lookup ends up; empty strings mean unknown. */
export interface GeoLocation {
  readonly country: string;
  readonly region: string;
  readonly city: string;
}

export const unknownLocation: GeoLocation = Object.freeze({ country: '', region: '', city: '' });
