import type { GoalOps } from '../admin/goal-ops.ts';
import { goalJson } from '../goals/goal-json.ts';
import type { Goal } from '../goals/types.ts';

export interface GoalsOptions {
  readonly json: boolean;
  readonly site?: string;
  readonly name?: string;
  readonly event?: string;
  readonly prop?: string[];
  readonly currency?: string;
  readonly page?: string;
}

/** The options `goals` adds to the CLI's parser (spread into cli/main.ts). */
export const goalsCliOptions = {
  event: { type: 'string' },
  prop: { type: 'string', multiple: true },
  currency: { type: 'string' },
  page: { type: 'string' },
} as const;

export const goalsUsage = `  goals add --site ID (--event NAME [--prop KEY=VALUE …] [--currency USD] | --page /PATH/*)
            [--name NAME]                            add a goal (past events count too)
  goals list --site ID                               list a site's goals
  goals rename <goalId> --site ID --name NAME        rename a goal
  goals delete <goalId> --site ID                    delete a goal (its events stay)`;

/** `goals add|list|rename|delete`; the exit code, or undefined when the subcommand is unknown. */
export async function runGoalsCommand(
  ops: GoalOps,
  command: string | undefined,
  args: string[],
  options: GoalsOptions,
  out: (text: string) => void,
): Promise<number | undefined> {
  const known = ['add', 'list', 'rename', 'delete'];
  if (command === undefined || !known.includes(command)) return undefined;
  if (!options.site) throw new Error(`goals ${command} needs --site ID; see: zenovay sites list`);
  const siteId = options.site;
  if (command === 'add') {
    const goal = await ops.add({ siteId, goal: goalBody(options) });
    out(options.json ? JSON.stringify(goalJson(goal)) : `Goal added: ${goal.name}\n  ${goalLine(goal)}`);
    return 0;
  }
  if (command === 'list') {
    const goals = await ops.list({ siteId });
    if (options.json) out(JSON.stringify(goals.map(goalJson)));
    else
      out(
        goals.length === 0
          ? `No goals yet: zenovay goals add --site ${siteId} --event NAME`
          : goals.map(goalLine).join('\n'),
      );
    return 0;
  }
  const goalId = args[0];
  if (!goalId)
    throw new Error(`goals ${command} needs the goal id; see: zenovay goals list --site ${siteId}`);
  if (command === 'rename') {
    if (options.name === undefined) throw new Error('goals rename needs --name NAME');
    const goal = await ops.rename({ siteId, goalId, name: options.name });
    out(options.json ? JSON.stringify(goalJson(goal)) : `Renamed ${goal.id} to ${goal.name}`);
    return 0;
  }
  await ops.delete({ siteId, goalId });
  out(
    options.json
      ? JSON.stringify({ id: goalId, deleted: true })
      : `Deleted ${goalId} (its events stay; add the goal again to count them again)`,
  );
  return 0;
}

/** The flags as the REST API's wire shape: the service checks it exactly as it checks a request. */
function goalBody(options: GoalsOptions): Record<string, unknown> {
  if (options.event === undefined && options.page === undefined) {
    throw new Error('goals add needs --event NAME (an event goal) or --page /PATH (a page goal)');
  }
  const properties: Record<string, string> = {};
  for (const item of options.prop ?? []) {
    const at = item.indexOf('=');
    if (at <= 0) throw new Error(`--prop must be KEY=VALUE, got "${item}"`);
    properties[item.slice(0, at)] = item.slice(at + 1);
  }
  return {
    type: options.event !== undefined ? 'event' : 'page',
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.event !== undefined ? { event_name: options.event } : {}),
    ...(options.page !== undefined ? { page_path: options.page } : {}),
    ...(options.prop !== undefined ? { properties } : {}),
    ...(options.currency !== undefined ? { currency: options.currency } : {}),
  };
}

function goalLine(goal: Goal): string {
  const what =
    goal.kind === 'page'
      ? `page ${goal.pagePath}`
      : [
          `event ${goal.eventName}`,
          ...goal.properties.map((match) => `${match.key}=${match.value}`),
          ...(goal.currency ? [`revenue in ${goal.currency}`] : []),
        ].join('  ');
  return `${goal.id}  ${goal.name}  (${what})`;
}
