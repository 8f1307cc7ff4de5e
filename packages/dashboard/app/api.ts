/** Talks to `/api/dashboard`: JSON in and out, the CSRF token on every change, errors as ApiError. */

export interface FieldError {
  readonly field: string;
  readonly reason: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: readonly FieldError[] = [],
  ) {
    super(message);
  }
}

let csrfToken = '';
/** `/api/dashboard` when signed in; a shared view's `/api/share/<key>` (sharing/shared-app.tsx). */
let apiBase = '/api/dashboard';

export function setApiBase(base: string): void {
  apiBase = base;
}
let onSignedOut: () => void = () => undefined;

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when the server says the session is gone (expired, signed out elsewhere). */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${apiBase}${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; fields?: FieldError[] } } | null)
      ?.error;
    const apiError = new ApiError(
      response.status,
      error?.code ?? 'HTTP_ERROR',
      error?.message ?? `The server answered ${response.status}.`,
      error?.fields ?? [],
    );
    if (apiError.code === 'NOT_SIGNED_IN') onSignedOut();
    throw apiError;
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  delete: <T>(path: string, body: unknown = {}) => request<T>('DELETE', path, body),
};

/** A refusal as one readable line: the message plus any field reasons. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const details = error.fields.map((f) => `${f.field} ${f.reason}`).join('; ');
    return details ? `${error.message} (${details})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export interface SessionInfo {
  user: { id: string; email: string } | null;
  setup_needed: boolean;
  csrf_token: string;
}

export interface SiteInfo {
  id: string;
  /** The signed-in user's role on the site (members/roles.ts); absent from older servers. */
  role?: 'owner' | 'admin' | 'viewer';
  domain: string;
  name: string;
  tracking_code: string;
  timezone: string;
  created_at: string;
}
