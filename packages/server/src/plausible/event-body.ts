/**
 * A Plausible Events API payload as our ingest body. Plausible's documented long keys (`name`,
 * `url`, `domain`, `referrer`, `props`, `revenue`, `interactive`) and the short ones its browser
 * script sends (`n`, `u`, `d`, `r`, `p` — also the older `m` —, `$`, `i`) are both read; the
 * script sends props and revenue as JSON text, server libraries as objects, and both are read.
 * The visitor's device comes from the User-Agent header; the visit is assigned by the server
 * (`zv:auto-session`), as for our own tracker. `interactive: false` (`i: false`) marks a custom
 * event that does not end a bounce (stats/fields.ts).
 */
import { eventLimits } from '../ingest/limits.ts';
import { serverAssignedSessionId } from '../ingest/server-session.ts';
import { clientFields } from './user-agent.ts';

export interface PlausiblePayload {
  /** The site domains named (`domain` may list several, comma-separated, as Plausible allows). */
  readonly domains: readonly string[];
  /** Our ingest body, for the pipeline (validation, bot filter, limits, geo, durable write). */
  readonly body: Record<string, unknown>;
}

const pick = (payload: Record<string, unknown>, long: string, short: string): unknown =>
  Object.hasOwn(payload, long) ? payload[long] : Object.hasOwn(payload, short) ? payload[short] : undefined;

/** JSON text (the script's form) as its value; anything else as it is. */
function decoded(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Plausible drops property values that are null or empty; our validator refuses null, so drop them first. */
function properties(value: unknown): unknown {
  const props = decoded(value);
  if (props === undefined || props === null) return undefined;
  if (typeof props !== 'object' || Array.isArray(props)) return props;
  const kept: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(props as Record<string, unknown>)) {
    if (item !== null && item !== undefined && item !== '') kept[key] = item;
  }
  return kept;
}

export function plausiblePayload(payload: Record<string, unknown>, userAgent: string): PlausiblePayload {
  const name = pick(payload, 'name', 'n');
  const domain = pick(payload, 'domain', 'd');
  const domains =
    typeof domain === 'string'
      ? domain
          .split(',')
          .map((d) => d.trim().toLowerCase())
          .filter((d) => d !== '')
      : [];
  const body: Record<string, unknown> = {
    url: pick(payload, 'url', 'u'),
    referrer: pick(payload, 'referrer', 'r') ?? null,
    session_id: serverAssignedSessionId,
    user_agent: userAgent,
    ...clientFields(userAgent.slice(0, eventLimits.userAgentMax)),
  };
  if (name === 'pageview') body.event_type = 'pageview';
  else {
    body.event_type = 'custom';
    body.event_name = name;
  }
  const props = properties(pick(payload, 'props', 'p') ?? payload.m);
  if (props !== undefined) body.properties = props;
  const revenue = decoded(pick(payload, 'revenue', '$'));
  if (revenue !== undefined && revenue !== null) body.revenue = revenue;
  // `false` keeps a custom event from ending a bounce; anything but a boolean is refused by the
  // validator (`interactive: must be true or false`), whichever key carried it.
  const interactive = pick(payload, 'interactive', 'i');
  if (interactive !== undefined && interactive !== null) body.interactive = interactive;
  return { domains, body };
}

/** Our field names in refusal sentences, as the Plausible payload calls them. */
export function plausibleFieldName(field: string): string {
  return field
    .replace(/^event_name/, 'name')
    .replace(/^event_type/, 'name')
    .replace(/^properties/, 'props')
    .replace(/^user_agent/, 'User-Agent header');
}
