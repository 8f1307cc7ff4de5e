import { ApiError, type FieldError } from '../errors.ts';
import type { FunnelJson } from '../funnels/funnel-json.ts';
import { FunnelNotFoundError, type FunnelService } from '../funnels/funnel-service.ts';
import type { Funnel } from '../funnels/types.ts';
import { AdminInputError } from './admin-input-error.ts';

/** `zenovay funnels …`, the same whether the server runs (socket) or not (direct). */
export interface FunnelOps {
  list(input: { siteId: string }): Promise<FunnelJson[]>;
  /** `funnel` is the REST API's wire shape (`{name, steps, window?, order?}`). */
  add(input: { siteId: string; funnel: Record<string, unknown> }): Promise<FunnelJson>;
  delete(input: { siteId: string; funnelId: string }): Promise<void>;
}

/** The service and how it shows a funnel (runtime's `Funnels`, or one built on the stores). */
export interface FunnelAdminTarget {
  readonly service: FunnelService;
  json(funnels: readonly Funnel[], siteId: string): Promise<FunnelJson[]>;
}

export function serviceFunnelOps(target: FunnelAdminTarget): FunnelOps {
  return {
    list: ({ siteId }) =>
      asAdminError(siteId, async () => target.json(await target.service.list(siteId), siteId)),
    add: ({ siteId, funnel }) =>
      asAdminError(siteId, async () => {
        const [json] = await target.json([await target.service.create(siteId, funnel)], siteId);
        return json!;
      }),
    delete: ({ siteId, funnelId }) => asAdminError(siteId, () => target.service.delete(siteId, funnelId)),
  };
}

type AdminCall = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/** The operations sent to the running server, which owns the DuckDB file. */
export function socketFunnelOps(call: AdminCall): FunnelOps {
  return {
    list: ({ siteId }) => call<FunnelJson[]>('GET', `/funnels?${new URLSearchParams({ site: siteId })}`),
    add: (input) => call<FunnelJson>('POST', '/funnels', input),
    delete: async (input) => {
      await call('POST', '/funnels/delete', input);
    },
  };
}

/** The admin socket's funnel routes; `[status, json]`, or undefined when the route is not one. */
export async function answerFunnelAdmin(
  ops: FunnelOps,
  route: string,
  url: URL,
  readBody: () => Promise<string>,
): Promise<[number, unknown] | undefined> {
  const body = async () => JSON.parse(await readBody()) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  switch (route) {
    case 'GET /funnels':
      return [200, await ops.list({ siteId: url.searchParams.get('site') ?? '' })];
    case 'POST /funnels': {
      const input = await body();
      const funnel = input.funnel !== null && typeof input.funnel === 'object' ? input.funnel : {};
      return [201, await ops.add({ siteId: text(input.siteId), funnel: funnel as Record<string, unknown> })];
    }
    case 'POST /funnels/delete': {
      const input = await body();
      await ops.delete({ siteId: text(input.siteId), funnelId: text(input.funnelId) });
      return [200, { deleted: true }];
    }
    default:
      return undefined;
  }
}

/** Wire fields as the CLI's flags, so a refusal names what the person typed (`--step 2: …`). */
function fieldSentence(item: FieldError): string {
  const step = /^steps\[(\d+)\]/.exec(item.field);
  if (step) return `--step ${Number(step[1]) + 1} (${item.field}): ${item.reason}`;
  const flag = { name: '--name', window: '--window', order: '--order', steps: '--step' }[item.field];
  return flag ? `${flag}: ${item.reason}` : item.reason;
}

async function asAdminError<T>(siteId: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof FunnelNotFoundError) {
      throw new AdminInputError(
        error.missing === 'site'
          ? `no site has id "${siteId}"; see: zenovay sites list`
          : `site ${siteId} has no funnel with that id; see: zenovay funnels list --site ${siteId}`,
        404,
      );
    }
    if (error instanceof ApiError) {
      const sentences = (error.fields ?? []).map(fieldSentence);
      throw new AdminInputError(sentences.length > 0 ? sentences.join('; ') : error.message, error.status);
    }
    throw error;
  }
}
