/**
 * The one registry of refusals: code -> HTTP status and the sentence a sender reads.
 * Codes are stable API; never rename one. Every code is also a reason in the refusal counters.
 */
export const errorRegistry = {
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  NOT_AN_OBJECT: { status: 400, message: 'The request body must be a JSON object.' },
  VALIDATION_ERROR: { status: 400, message: 'Some fields are missing or invalid; see "fields".' },
  BOT_DETECTED: {
    status: 403,
    message:
      'The user agent is a crawler, a bot, a headless browser or a generic HTTP client; the message of each refusal says which.',
  },
  UNAUTHORIZED: {
    status: 401,
    message: 'Send a valid, unrevoked API key in X-API-Key or Authorization: Bearer.',
  },
  FORBIDDEN: { status: 403, message: 'This API key does not have the permission this request needs.' },
  NOT_SIGNED_IN: { status: 401, message: 'Sign in to the dashboard first; your session may have expired.' },
  LOGIN_FAILED: { status: 401, message: 'The email or password is wrong.' },
  CSRF_TOKEN_INVALID: {
    status: 403,
    message: 'The X-CSRF-Token header is missing or wrong; reload the page and try again.',
  },
  SETUP_ALREADY_DONE: { status: 409, message: 'An account already exists; sign in instead.' },
  PASSWORD_INCORRECT: { status: 403, message: 'The current password is wrong; nothing was changed.' },
  LAST_ACCOUNT: {
    status: 409,
    message:
      'This is the only account, so it cannot be deleted; add another account first (zenovay users add).',
  },
  LOGIN_RATE_LIMITED: {
    status: 429,
    message: 'Too many sign-in attempts; wait for the time in Retry-After, then try again.',
  },
  // Shared dashboards and site roles (issue 21, sharing/ and members/).
  SHARE_PASSWORD_REQUIRED: {
    status: 401,
    message: 'This shared dashboard is protected by a password; send it to unlock the view.',
  },
  SHARE_PASSWORD_WRONG: { status: 401, message: 'The password of this shared dashboard is wrong.' },
  SHARE_PASSWORD_RATE_LIMITED: {
    status: 429,
    message: 'Too many wrong passwords for this shared dashboard; wait for the time in Retry-After.',
  },
  SHARE_RATE_LIMITED: {
    status: 429,
    message: 'This shared dashboard is getting too many requests; retry after the time in Retry-After.',
  },
  PANEL_NOT_SHARED: {
    status: 403,
    message: 'This shared dashboard does not show the panel this question belongs to.',
  },
  ROLE_FORBIDDEN: {
    status: 403,
    message: 'Your role on this site does not allow this; ask an owner of the site.',
  },
  LAST_OWNER: {
    status: 409,
    message: 'A site needs an owner: make another member an owner first, or delete the site.',
  },
  INVITE_FOR_ANOTHER_EMAIL: {
    status: 403,
    message: 'This invitation is for another email address; sign in with that account to accept it.',
  },
  ORIGIN_NOT_ALLOWED: { status: 403, message: 'Domain not authorized for this tracking code.' },
  INVALID_PROXY_KEY: {
    status: 401,
    message:
      'The X-Zenovay-Proxy-Key header is not an active proxy key for this site; see: zenovay proxy-keys list.',
  },
  INVALID_FORWARDED_FOR: {
    status: 400,
    message: 'A request with a proxy key must name the visitor as the right-most X-Forwarded-For address.',
  },
  UNKNOWN_TRACKING_CODE: { status: 404, message: 'No site has this tracking code.' },
  UNKNOWN_DOMAIN: {
    status: 404,
    message:
      'No site has this domain; add it first (zenovay sites add <domain>) or send the domain of a site.',
  },
  NOT_FOUND: { status: 404, message: 'There is nothing at this path.' },
  CONFLICT: {
    status: 409,
    message: 'This conflicts with something that already exists (such as a name in use); see "fields".',
  },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not allowed on this path.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is larger than this server accepts.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message:
      'Send the body as application/json or text/plain containing JSON, encoded as UTF-8 (no other charset is accepted).',
  },
  RATE_LIMIT_EXCEEDED: {
    status: 429,
    message: 'Too many requests from this address or API key; retry after the time in Retry-After.',
  },
  SERVER_BUSY: { status: 503, message: 'The server is busy; retry after the time in Retry-After.' },
  LOG_FULL: {
    status: 503,
    message:
      'The server holds as many accepted events as it may before they are stored (its store is behind, or its disk is full); this one was not accepted: retry after the time in Retry-After.',
  },
  STORE_UNAVAILABLE: {
    status: 503,
    message: 'The event could not be stored; retry after the time in Retry-After.',
  },
  INTERNAL_ERROR: { status: 500, message: 'Something went wrong on our side; the event was not stored.' },
  // Refusals of the HTTP layer itself, before any route runs (see http/framework-errors.ts).
  MALFORMED_REQUEST: {
    status: 400,
    message: 'The request is not well-formed HTTP (request line, headers, framing or URL encoding).',
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    message: 'The request line and headers are larger than this server accepts.',
  },
  REQUEST_TIMEOUT: { status: 408, message: 'The request did not arrive completely in time.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorRegistry;

export const errorCodes = Object.keys(errorRegistry) as ErrorCode[];

/** One offending field of a validation refusal. */
export interface FieldError {
  readonly field: string;
  readonly reason: string;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; fields?: FieldError[] };
}

/** A refusal on its way to the client: the code decides status and sentence. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly fields?: FieldError[],
    readonly headers?: Readonly<Record<string, string>>,
    /** A sentence more specific than the code's own (e.g. which kind of bot); the code stays stable. */
    message?: string,
  ) {
    super(message ?? errorRegistry[code].message);
    this.status = errorRegistry[code].status;
  }
}

export function errorBody(code: ErrorCode, fields?: readonly FieldError[], message?: string): ErrorBody {
  const body: ErrorBody = { error: { code, message: message ?? errorRegistry[code].message } };
  if (fields && fields.length > 0) body.error.fields = [...fields];
  return body;
}
