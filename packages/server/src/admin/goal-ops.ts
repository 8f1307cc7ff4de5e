import type { FieldError } from '../errors.ts';
import { ApiError } from '../errors.ts';
import { GoalNotFoundError, type GoalService } from '../goals/goal-service.ts';
import type { Goal } from '../goals/types.ts';
import { AdminInputError } from './admin-input-error.ts';

/** `zenovay goals …`, the same whether the server runs (socket) or not (direct). */
export interface GoalOps {
  list(input: { siteId: string }): Promise<Goal[]>;
  /** `goal` is the REST API's wire shape (`{type, name?, event_name?, page_path?, properties?, currency?}`). */
  add(input: { siteId: string; goal: Record<string, unknown> }): Promise<Goal>;
  rename(input: { siteId: string; goalId: string; name: string }): Promise<Goal>;
  delete(input: { siteId: string; goalId: string }): Promise<void>;
}

/** The operations on the one GoalService: the server's own (socket) or one on the stores (direct). */
export function serviceGoalOps(service: GoalService): GoalOps {
  return {
    list: ({ siteId }) => asAdminError(siteId, () => service.list(siteId)),
    add: ({ siteId, goal }) => asAdminError(siteId, () => service.create(siteId, goal)),
    rename: ({ siteId, goalId, name }) =>
      asAdminError(siteId, () => service.rename(siteId, goalId, { name })),
    delete: ({ siteId, goalId }) => asAdminError(siteId, () => service.delete(siteId, goalId)),
  };
}

type AdminCall = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/** The operations sent to the running server, which owns the DuckDB file. */
export function socketGoalOps(call: AdminCall): GoalOps {
  return {
    list: ({ siteId }) => call<Goal[]>('GET', `/goals?${new URLSearchParams({ site: siteId })}`),
    add: (input) => call<Goal>('POST', '/goals', input),
    rename: (input) => call<Goal>('POST', '/goals/rename', input),
    delete: async (input) => {
      await call('POST', '/goals/delete', input);
    },
  };
}

/**
 * The admin socket's goal routes; `[status, json]`, or undefined when the route is not one of them
 * (the caller answers 404).
 */
export async function answerGoalAdmin(
  ops: GoalOps,
  route: string,
  url: URL,
  readBody: () => Promise<string>,
): Promise<[number, unknown] | undefined> {
  const body = async () => JSON.parse(await readBody()) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  switch (route) {
    case 'GET /goals':
      return [200, await ops.list({ siteId: url.searchParams.get('site') ?? '' })];
    case 'POST /goals': {
      const input = await body();
      const goal = input.goal !== null && typeof input.goal === 'object' ? input.goal : {};
      return [201, await ops.add({ siteId: text(input.siteId), goal: goal as Record<string, unknown> })];
    }
    case 'POST /goals/rename': {
      const input = await body();
      const renamed = { siteId: text(input.siteId), goalId: text(input.goalId), name: text(input.name) };
      return [200, await ops.rename(renamed)];
    }
    case 'POST /goals/delete': {
      const input = await body();
      await ops.delete({ siteId: text(input.siteId), goalId: text(input.goalId) });
      return [200, { deleted: true }];
    }
    default:
      return undefined;
  }
}

/** The wire fields as the CLI's flags, so a refusal names what the person typed. */
const flags: Record<string, string> = {
  type: '--event or --page',
  event_name: '--event',
  page_path: '--page',
  properties: '--prop',
  currency: '--currency',
  name: '--name',
};

function fieldSentence(item: FieldError): string {
  const flag = flags[item.field.split('.')[0]!];
  if (flag === undefined) return item.reason;
  const key = item.field.startsWith('properties.') ? ` ${item.field.slice('properties.'.length)}` : '';
  return `${flag}${key}: ${item.reason}`;
}

/** The service's refusals as sentences for a person at a terminal (same codes underneath). */
async function asAdminError<T>(siteId: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof GoalNotFoundError) {
      throw new AdminInputError(
        error.missing === 'site'
          ? `no site has id "${siteId}"; see: zenovay sites list`
          : `site ${siteId} has no goal with that id; see: zenovay goals list --site ${siteId}`,
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
