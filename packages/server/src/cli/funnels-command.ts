import type { FunnelOps } from '../admin/funnel-ops.ts';
import type { FunnelJson, FunnelStepJson } from '../funnels/funnel-json.ts';

export interface FunnelsOptions {
  readonly json: boolean;
  readonly site?: string;
  readonly name?: string;
  readonly step?: string[];
  readonly window?: string;
  readonly order?: string;
}

/** The options `funnels` adds to the CLI's parser (spread into cli/main.ts). */
export const funnelsCliOptions = {
  step: { type: 'string', multiple: true },
  window: { type: 'string' },
  order: { type: 'string' },
} as const;

export const funnelsUsage = `  funnels add --site ID --name NAME --step S --step S [… up to 8] [--window 24h] [--order strict]
            a step: /path/* (page), event:NAME[;key=value…] (event), goal:NAME (a goal)
  funnels list --site ID                             list a site's saved funnels
  funnels delete <funnelId> --site ID                delete a saved funnel`;

/** `funnels add|list|delete`; the exit code, or undefined when the subcommand is unknown. */
export async function runFunnelsCommand(
  ops: FunnelOps,
  command: string | undefined,
  args: string[],
  options: FunnelsOptions,
  out: (text: string) => void,
): Promise<number | undefined> {
  if (command === undefined || !['add', 'list', 'delete'].includes(command)) return undefined;
  if (!options.site) throw new Error(`funnels ${command} needs --site ID; see: zenovay sites list`);
  const siteId = options.site;
  if (command === 'add') {
    const funnel = await ops.add({ siteId, funnel: funnelBody(options) });
    out(options.json ? JSON.stringify(funnel) : `Funnel added: ${funnel.name}\n  ${funnelLine(funnel)}`);
    return 0;
  }
  if (command === 'list') {
    const funnels = await ops.list({ siteId });
    if (options.json) out(JSON.stringify(funnels));
    else
      out(
        funnels.length === 0
          ? `No funnels yet: zenovay funnels add --site ${siteId} --name NAME --step /pricing --step goal:Signup`
          : funnels.map(funnelLine).join('\n'),
      );
    return 0;
  }
  const funnelId = args[0];
  if (!funnelId)
    throw new Error(`funnels delete needs the funnel id; see: zenovay funnels list --site ${siteId}`);
  await ops.delete({ siteId, funnelId });
  out(
    options.json ? JSON.stringify({ id: funnelId, deleted: true }) : `Deleted ${funnelId} (its events stay)`,
  );
  return 0;
}

/** The flags as the REST API's wire shape: the service checks it exactly as it checks a request. */
export function funnelBody(options: FunnelsOptions): Record<string, unknown> {
  return {
    ...(options.name !== undefined ? { name: options.name } : {}),
    steps: (options.step ?? []).map(stepBody),
    ...(options.window !== undefined ? { window: options.window } : {}),
    ...(options.order !== undefined ? { order: options.order } : {}),
  };
}

/** `/pricing`, `event:Signup;plan=pro`, `goal:Purchase`. Anything else is left to the service to refuse. */
function stepBody(text: string): Record<string, unknown> {
  if (text.startsWith('goal:')) return { type: 'goal', goal: text.slice('goal:'.length) };
  if (text.startsWith('event:')) {
    const [name = '', ...pairs] = text.slice('event:'.length).split(';');
    const properties: Record<string, string> = {};
    for (const pair of pairs) {
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`--step ${text}: a property is KEY=VALUE, got "${pair}"`);
      properties[pair.slice(0, at)] = pair.slice(at + 1);
    }
    return { type: 'event', event_name: name, ...(pairs.length > 0 ? { properties } : {}) };
  }
  return { type: 'page', page_path: text };
}

function stepText(step: FunnelStepJson): string {
  if (step.type === 'page') return step.page_path ?? '';
  if (step.type === 'goal') return `goal:${step.name}`;
  const props = Object.entries(step.properties ?? {}).map(([key, value]) => `;${key}=${value}`);
  return `event:${step.event_name}${props.join('')}`;
}

function funnelLine(funnel: FunnelJson): string {
  return `${funnel.id}  ${funnel.name}  (${funnel.steps.map(stepText).join(' → ')}; within ${funnel.window}, ${funnel.order})`;
}
