import { boundedMemo } from './bounded-cache.ts';

/** The parts of a page URL that are stored and queried separately. */
export interface UrlParts {
  hostname: string;
  pathname: string;
  query: string;
  utmSource: string;
  utmMedium: string;
  utmCampaign: string;
  utmTerm: string;
  utmContent: string;
}

/** An http(s) URL as events store it: as a page (its parts) and as a referrer (href, host). */
export interface WebUrl {
  readonly parts: Readonly<UrlParts>;
  /** The normalised URL, stored for a referrer. */
  readonly href: string;
  /** The host without a leading `www.`, so `www.google.com` and `google.com` are one source. */
  readonly referrerHost: string;
}

/** Why a string is not an http(s) URL, worded for the field's refusal. */
export type UrlRefusal = 'not absolute' | 'not http';

/**
 * Distinct URL strings whose reading is remembered, and the longest remembered: pages and referrers
 * repeat (a site's top pages, the search engines), and `new URL` plus its search params is the
 * dearest step of validating an event. Long strings (tracking parameters) rarely repeat, so they
 * are read every time and memory stays bounded (~2,048 × a few KB).
 */
const urlsKept = 2_048;
const longestKept = 512;

const readRemembered = boundedMemo(urlsKept, readWebUrl);

/** The URL's parts, or why it is refused. Entries are shared: callers must not change them. */
export function webUrl(value: string): WebUrl | UrlRefusal {
  return value.length <= longestKept ? readRemembered(value) : readWebUrl(value);
}

function readWebUrl(value: string): WebUrl | UrlRefusal {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'not absolute';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'not http';
  const params = url.searchParams;
  const hostname = url.hostname;
  return Object.freeze({
    parts: Object.freeze({
      hostname,
      pathname: url.pathname || '/',
      query: url.search.startsWith('?') ? url.search.slice(1) : url.search,
      utmSource: params.get('utm_source') ?? '',
      utmMedium: params.get('utm_medium') ?? '',
      utmCampaign: params.get('utm_campaign') ?? '',
      utmTerm: params.get('utm_term') ?? '',
      utmContent: params.get('utm_content') ?? '',
    }),
    href: url.href,
    referrerHost: hostname.startsWith('www.') ? hostname.slice(4) : hostname,
  });
}
