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

export function urlParts(url: URL): UrlParts {
  const params = url.searchParams;
  return {
    hostname: url.hostname,
    pathname: url.pathname || '/',
    query: url.search.startsWith('?') ? url.search.slice(1) : url.search,
    utmSource: params.get('utm_source') ?? '',
    utmMedium: params.get('utm_medium') ?? '',
    utmCampaign: params.get('utm_campaign') ?? '',
    utmTerm: params.get('utm_term') ?? '',
    utmContent: params.get('utm_content') ?? '',
  };
}

/** The referrer's host without a leading `www.`, so `www.google.com` and `google.com` are one source. */
export function referrerHost(referrer: URL | null): string {
  if (!referrer) return '';
  return referrer.hostname.startsWith('www.') ? referrer.hostname.slice(4) : referrer.hostname;
}
