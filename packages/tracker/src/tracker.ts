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
 * data-debug mode. `identify` keeps its id in memory for this page only, for the same reason.
 *
 * Budget notes (measured with test/tracker-size.test.ts): goal, revenue and identify cost about
 * 90 B; they were paid for by sending plain-digit event ids, building the device fields once,
 * the pageview's screen size in `page`, and no esbuild wrapper around our own IIFE.
 * Heartbeats (engaged time, scroll depth) are in the opt-in build z.engagement.js only: the code
 * under `ENGAGEMENT` is removed whole from z.js (1,535 B either way); z.engagement.js is 1,855 B.
 */

type Props = Record<string, unknown>;
type SessionCallback = (sessionId: string | null) => void;
export type ZenovayCommand = ((command: string, ...args: unknown[]) => unknown) & {
  /** Calls made through the queue stub before the script loaded. */
  q?: ArrayLike<unknown>[];
  /** Set by the loaded script, so a second copy on the page stays idle. */
  z?: 1;
};

/** Set by the build (build.ts): true only in z.engagement.js, so z.js carries none of its code. */
declare const ENGAGEMENT: boolean;

declare global {
  interface Window {
    zenovay?: ZenovayCommand;
  }
  interface Navigator {
    readonly globalPrivacyControl?: boolean;
    readonly userAgentData?: { readonly mobile?: boolean; readonly platform?: string };
  }
}

((w: Window, d: Document, nav: Navigator, loc: Location) => {
  const script = d.currentScript as HTMLScriptElement | null;
  if (!script || w.zenovay?.z) return;
  const options = script.dataset;
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
  const reportName = (match: RegExpMatchArray | null, token = match ? match[1] || match[0] : 'Other') =>
    reportNames[token] || token;
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
  /** What every event of this page says about its browser (the contract requires these fields). */
  const client = {
    // Reserved: the server assigns the visit (see the file comment).
    session_id: 'zv:auto-session',
    device_type:
      uaData?.mobile || /Mobi|iPhone/.test(ua)
        ? 'mobile'
        : /iPad|Tablet|Android/.test(ua) || (/Mac/.test(ua) && nav.maxTouchPoints > 1)
          ? 'tablet'
          : 'desktop',
    // The last of these tokens names the browser (Edge and Opera also say Chrome); Safari is the one
    // left when none is there, as every one of them also says Safari.
    browser: reportName(ua.match(/.*(Edg|OPR|Firefox|FxiOS|CriOS|Chrome)\/|Safari/)),
    // userAgentData is there on https pages of Chromium browsers. In the user agent, Android also
    // says Linux (before it) and iOS also says Mac (after it): the last of Android, Windows,
    // iPhone and iPad wins, and Mac or Linux only count without them.
    os: uaData?.platform || reportName(ua.match(/.*(Android|Windows|iPhone|iPad)|Mac|Linux/)),
    user_agent: ua,
  };

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

  /** Set by `identify`: every later event of this page carries it (memory only, see the file comment). */
  let userId: string | undefined;

  /** Sends one event; revenue goes with it when a currency is given. */
  const track = (name: unknown, properties?: Props, amount?: unknown, currency?: unknown) => {
    // A falsy name is a caller's slip: logged (in debug mode) like a skip reason.
    if (skip || !name) return log('skipped', skip || name);
    const event = {
      event_type: name === 'pageview' ? name : 'custom',
      event_name: `${name}`,
      url: pageUrl(),
      referrer: d.referrer,
      ...client,
      // A resend of this event is stored once. Time and 52 random bits in plain digits (cheaper in
      // gzip than base 36): unique enough within the server's dedupe window.
      event_id: `${Date.now()}${Math.random()}`,
      // With revenue, `value` and `currency` travel in `revenue` only. JSON.stringify leaves out
      // whatever is undefined here.
      properties: currency ? { ...properties, value: undefined, currency: undefined } : properties,
      revenue: currency ? { amount, currency } : undefined,
      user_id: userId,
    };
    log('send', event);
    // A string body goes as text/plain: a "simple" request, so no CORS preflight.
    fetch(endpoint, { method: 'POST', body: JSON.stringify(event), keepalive: true })
      .then((response) => response.json())
      .then((reply) => {
        // biome-ignore lint/suspicious/noAssignInExpressions: 2 B smaller than two statements.
        if ((sessionId = reply.session_id || sessionId))
          for (const callback of waiting.splice(0)) callback(sessionId);
      })
      .catch(log);
  };

  let lastPageUrl = '';
  let page = () => {
    lastPageUrl = pageUrl();
    track('pageview', { screen_size: `${screen.width}x${screen.height}` });
  };
  // popstate also fires on hash changes, so it covers hash routing too.
  const autoPage = () => pageUrl() !== lastPageUrl && page();

  if (ENGAGEMENT) {
    /**
     * z.engagement.js only (docs/engagement.md): per pageview, the engaged time (tab visible and
     * focused; paused otherwise) and the deepest scroll, both cumulative, so the server folds a
     * pageview's heartbeats with max() and a resent one changes nothing. Sent by sendBeacon (it
     * survives unload) when the page is hidden or loses focus, before an SPA route change, on
     * pagehide, and every 15 s while it stays engaged; nothing is sent when nothing changed.
     */
    let engaged = 0;
    /** When the current engaged stretch began; 0 while paused. */
    let since = 0;
    let depth = 0;
    /** This pageview's key; '' before the first pageview. */
    let pageviewId = '';
    /** What the last heartbeat said, to skip sending the same again. */
    let said = '';
    const measure = () => {
      const now = Date.now();
      if (since) engaged += now - since;
      since = d.visibilityState === 'visible' && d.hasFocus() ? now : 0;
      depth = Math.max(
        depth,
        Math.min(100, Math.round(((scrollY + innerHeight) * 100) / (d.documentElement.scrollHeight || 1))),
      );
    };
    const beat = () => {
      measure();
      const state = `${engaged} ${depth}`;
      if (skip || !pageviewId || state === said) return;
      said = state;
      // Always the reserved visit id (in `client`): the server finds the pageview's visit itself.
      const body = {
        ...client,
        url: lastPageUrl,
        pageview_id: pageviewId,
        engaged_ms: engaged,
        scroll_depth: depth,
        user_id: userId,
      };
      log('beat', body);
      nav.sendBeacon(`${endpoint.slice(0, -code!.length)}heartbeat/${code}`, JSON.stringify(body));
    };
    const pageview = page;
    page = () => {
      // The pageview ending now gets its last heartbeat, with its own URL, before the next starts.
      beat();
      engaged = depth = 0;
      said = '';
      pageviewId = `${Date.now()}${Math.random()}`;
      pageview();
    };
    for (const name of ['visibilitychange', 'focus', 'blur', 'pagehide']) addEventListener(name, beat);
    // Depth is measured as the reader scrolls (a later heartbeat sends it); passive: never janks.
    addEventListener('scroll', measure, { passive: true });
    setInterval(beat, 15_000);
  }

  // One expression, not an if chain: 12 B smaller after gzip. `a`, `b`, `c` mean what each
  // command's arguments mean (docs/sdks-revenue.md).
  // biome-ignore lint/suspicious/noExplicitAny: the commands read their arguments loosely by design.
  const api: ZenovayCommand = (command, a?: any, b?: any, c?: any) =>
    command === 'track'
      ? track(a, b)
      : command === 'page'
        ? page()
        : command === 'goal'
          ? // goal(name, {value, currency, ...props}): revenue only with a currency.
            track(a, b, b?.value, b?.currency)
          : command === 'revenue'
            ? // revenue(amount, currency, {order_id, …})
              track('purchase', c, a, b)
            : command === 'identify'
              ? // identify(id) until the page unloads; identify() or identify(null) forgets it.
                // biome-ignore lint/suspicious/noAssignInExpressions: the command is one expression.
                (userId = a ? `${a}` : undefined)
              : command === 'session'
                ? // While tracking is off nothing is sent, so the id stays null.
                  // biome-ignore lint/complexity/noCommaOperator: session acts, then answers the id.
                  (a?.call && (sessionId || skip ? a(sessionId) : waiting.push(a)), sessionId)
                : log('skipped', command);

  addEventListener(
    'click',
    ({ target }) => {
      const tagged = (target as HTMLElement).closest?.<HTMLElement>('[data-zenovay-event]');
      if (tagged) {
        const props: Props = {};
        // data-zenovay-prop-plan-name="pro" -> { plan_name: "pro" }
        for (const { name, value } of tagged.attributes) {
          if (name.startsWith('data-zenovay-prop-')) props[name.slice(18).replace(/-/g, '_')] = value;
        }
        track(tagged.dataset.zenovayEvent, props);
      }
      // mailto:, tel: and javascript: links have no host.
      const link = (target as Element).closest?.('a');
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

  // Calls queued before load run first, so a queued identify applies to the automatic pageview.
  for (const args of w.zenovay?.q || []) api(...(args as Parameters<ZenovayCommand>));
  api.z = 1;
  w.zenovay = api;

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
})(window, document, navigator, location);
