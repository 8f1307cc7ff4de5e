/**
 * A Stats API v2 client that knows only Plausible's protocol (Bearer key, the body, `{results,
 * meta, query}` or `{error}`) and nothing of our `/api/external/v1` envelope: what a Plausible
 * integration does when pointed at this server.
 */
export interface PlausibleResult {
  readonly dimensions: string[];
  readonly metrics: unknown[];
}

export interface PlausibleReply {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: the answer is arbitrary JSON, asserted on by shape
  readonly body: any;
}

export async function plausibleQuery(
  baseUrl: string,
  key: string | null,
  query: unknown,
): Promise<PlausibleReply> {
  const response = await fetch(`${baseUrl}/api/v2/query`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
    },
    body: typeof query === 'string' ? query : JSON.stringify(query),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // kept as text: an assertion will show it
  }
  return { status: response.status, headers: response.headers, body };
}

/** The rows as `[dimensions…, metrics…]` tuples: the shape most assertions compare. */
export function rows(reply: PlausibleReply): unknown[][] {
  if (reply.status !== 200) throw new Error(`${reply.status}: ${JSON.stringify(reply.body)}`);
  return (reply.body.results as PlausibleResult[]).map((row) => [...row.dimensions, ...row.metrics]);
}
