import type { TestServer } from './test-server.ts';

/**
 * A browser-less client of the dashboard API (`/api/dashboard`): keeps the cookies it is given and
 * the CSRF token the session probe hands out, and sends the token on every write, as the app does.
 */
export class DashboardClient {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(
    private readonly server: TestServer,
    /** Sent on every call, e.g. the X-Forwarded-For of a client behind the trusted proxy. */
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${this.server.url}/api/dashboard${path}`, {
      method,
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(method === 'GET' ? {} : { 'x-csrf-token': this.csrf }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...this.extraHeaders,
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookies = response.headers.getSetCookie();
    for (const cookie of setCookies) {
      const [pair = ''] = cookie.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (/Max-Age=0/.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    // biome-ignore lint/suspicious/noExplicitAny: responses are asserted on their shape
    const json: any = await response.json().catch(() => null);
    if (json?.csrf_token) this.csrf = json.csrf_token;
    return { status: response.status, body: json, setCookies, headers: response.headers };
  }

  /** Probes the session (for the CSRF token), then signs in; the answer of the sign-in. */
  async signIn(email: string, password: string) {
    await this.call('GET', '/session');
    return this.call('POST', '/login', { email, password });
  }
}
