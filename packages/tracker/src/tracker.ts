/**
 * Zenovay browser tracker (z.js). Built by esbuild into one minified IIFE that must stay within
 * 1.5 KB min+gz (test/tracker-size.test.ts), so the code favours small output over abstractions.
 *
 * Privacy: the script writes nothing to the browser, in every mode (no cookie, no localStorage, no
 * sessionStorage). Visits are made by the server: every event carries the reserved session id
 * below, and the server keys the visit on its daily visitor hash with a 30-minute inactivity rule
 * (packages/server/src/ingest/server-session.ts), then reports the visit id in its reply. DNT and
 * GPC are honoured, localhost is skipped, and `localStorage.zenovay_ignore = "true"` opts a
 * browser out. Failures never reach the page: nothing thrown, no console output outside
 * data-debug mode.
 */

type Props = Record<string, unknown>;
type SessionCallback = (sessionId: string | null) => void;
export type ZenovayCommand = ((command: string, ...args: unknown[]) => unknown) & {
  /** Calls made through the queue stub before the script loaded. */
  q?: ArrayLike<unknown>[];
  /** Set by the loaded script, so a second copy on the page stays idle. */
  z?: 1;
};

declare global {
  interface Window {
    zenovay?: ZenovayCommand;
  }
  interface Navigator {
    readonly globalPrivacyControl?: boolean;
    readonly userAgentData?: { readonly mobile?: boolean; readonly platform?: string };
  }
}

/** User-agent tokens in the spelling reports use; other tokens are used as they are. */
const reportNames: Record<string, string> = {
  Edg: 'Edge',
  OPR: 'Opera',
  FxiOS: 'Firefox',
  CriOS: 'Chrome',
  iPhone: 'iOS',
  iPad: 'iOS',
  Mac: 'macOS',
};
/** The token a user-agent pattern found: its first group if it has one, else the whole match. */
const reportName = (match: RegExpMatchArray | null) => {
  const token = match ? match[1] || match[0] : 'Other';
  return reportNames[token] || token;
};

((w: Window, d: Document, nav: Navigator, loc: Location) => {
  const script = d.currentScript as HTMLScriptElement | null;
  if (!script || w.zenovay?.z) return;
  const options = script.dataset;
  const on = (name: string) => options[name] === 'true';
  const log = (...args: unknown[]) => on('debug') && console.log('[zenovay]', ...args);
  const code = options.trackingCode;
  // fetch resolves a relative data-api-url ("/zv") against the page.
  const endpoint = `${(options.apiUrl || new URL(script.src).origin).replace(/\/$/, '')}/e/${code}`;

  // Why nothing is sent, decided once at load (the reasons reuse words of the script: smaller gzip).
  let skip: unknown = !code
    ? 'trackingCode'
    : !on('allowLocalhost') && /^(localhost|127\.|\[)|\.local(host)?$/.test(loc.hostname)
      ? 'localhost'
      : !on('ignoreDnt') && (nav.doNotTrack === '1' || nav.globalPrivacyControl) && 'doNotTrack';
  try {
    skip ||= localStorage.zenovay_ignore === 'true' && 'zenovay_ignore';
  } catch {
    // storage blocked: nothing to read
  }

  const ua = nav.userAgent;
  const uaData = nav.userAgentData;
  const device =
    uaData?.mobile || /Mobi|iPhone/.test(ua)
      ? 'mobile'
      : /iPad|Tablet|Android/.test(ua) || (/Mac/.test(ua) && nav.maxTouchPoints > 1)
        ? 'tablet'
        : 'desktop';
  // The last of these tokens names the browser (Edge and Opera also say Chrome); Safari is the one
  // left when none is there, as every one of them also says Safari.
  const browser = reportName(ua.match(/.*(Edg|OPR|Firefox|FxiOS|CriOS|Chrome)\/|Safari/));
  // userAgentData is there on https pages of Chromium browsers. In the user agent, Android also
  // says Linux and iOS also says Mac: the pattern finds the leftmost, which is the right one.
  const os = uaData?.platform || reportName(ua.match(/Android|Windows|iPhone|iPad|Mac|Linux/));

  /** The visit id the server reported; null until its first reply. */
  let sessionId: string | null = null;
  const waiting: SessionCallback[] = [];

  /**
   * Without hash routing the fragment is not part of the page. With it, the route moves into the
   * path: `/app/#/settings?tab=2` is recorded as `/app/settings?tab=2`, `/?utm_source=x#/about`
   * as `/about?utm_source=x`, and both queries are joined with `&`.
   */
  const pageUrl = () =>
    on('hash')
      ? loc.href.replace(/\/?(\?[^#]*)?#\/?(.*)/, '/$2$1').replace(/(\?.*)\?/, '$1&')
      : loc.href.replace(/#.*/, '');

  const send = (name: string, properties: Props = {}) => {
    if (skip) return log('skipped', skip);
    const pageview = name === 'pageview';
    if (pageview) properties.screen_size = `${screen.width}x${screen.height}`;
    const event = {
      event_type: pageview ? name : 'custom',
      event_name: name,
      url: pageUrl(),
      referrer: d.referrer,
      // Reserved: the server assigns the visit (see the file comment).
      session_id: 'zv:auto-session',
      device_type: device,
      browser,
      os,
      user_agent: ua,
      // A resend of this event is stored once.
      event_id: Date.now().toString(36) + Math.random().toString(36).slice(2),
      properties,
    };
    log('send', event);
    // A string body goes as text/plain: a "simple" request, so no CORS preflight.
    fetch(endpoint, { method: 'POST', body: JSON.stringify(event), keepalive: true })
      .then((response) => response.json())
      .then((reply) => {
        sessionId = reply.session_id || sessionId;
        if (sessionId) for (const callback of waiting.splice(0)) callback(sessionId);
      })
      .catch(log);
  };

  let lastPageUrl = '';
  const page = () => {
    lastPageUrl = pageUrl();
    send('pageview');
  };
  // popstate also fires on hash changes, so it covers hash routing too.
  const autoPage = () => pageUrl() !== lastPageUrl && page();
  const track = (name: unknown, props?: unknown) =>
    name ? send(`${name}`, props as Props) : log('skipped', name);

  const api: ZenovayCommand = (command, a, b) => {
    if (command === 'track') return track(a, b);
    if (command === 'page') return page();
    if (command === 'session') {
      const id = skip ? null : sessionId;
      // Before the first reply the callback waits for it; when nothing is sent it gets null.
      if (typeof a === 'function') id || skip ? a(id) : waiting.push(a as SessionCallback);
      return id;
    }
    log('skipped', command);
  };

  d.addEventListener(
    'click',
    (click) => {
      const target = click.target as Element;
      const tagged = target.closest?.('[data-zenovay-event]');
      if (tagged) {
        const props: Props = {};
        // data-zenovay-prop-plan-name="pro" -> { plan_name: "pro" }
        for (const { name, value } of tagged.attributes) {
          if (name.startsWith('data-zenovay-prop-')) props[name.slice(18).replace(/-/g, '_')] = value;
        }
        track(tagged.getAttribute('data-zenovay-event'), props);
      }
      // mailto:, tel: and javascript: links have no host.
      const link = target.closest?.('a');
      const kind =
        link?.host &&
        (link.host !== loc.host
          ? on('outboundLinks') && 'outbound_link'
          : on('fileDownloads') &&
            (link.hasAttribute('download') || /\.(pdf|zip|dmg|exe|csv|docx?|xlsx?)$/i.test(link.pathname)) &&
            'file_download');
      if (kind) track(kind, { link_url: link.href });
    },
    true,
  );

  if (options.auto !== 'false') {
    for (const method of ['pushState', 'replaceState'] as const) {
      const original = history[method];
      history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
        original.apply(this, args);
        autoPage();
      };
    }
    addEventListener('popstate', autoPage);
    page();
  }

  const queued = w.zenovay?.q || [];
  api.z = 1;
  w.zenovay = api;
  for (const args of queued) api.apply(w, args as Parameters<ZenovayCommand>);
})(window, document, navigator, location);
