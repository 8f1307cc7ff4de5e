import { parseArgs } from 'node:util';
import { runUsersCommand } from '../accounts/users-command.ts';
import { openAdmin } from '../admin/open-admin.ts';
import { utcDay } from '../clock.ts';
import { loadConfig } from '../config.ts';
import type { RefusalCount, Site } from '../store/types.ts';
import { type ExportIo, runExportCommand } from './export-command.ts';
import { funnelsCliOptions, funnelsUsage, runFunnelsCommand } from './funnels-command.ts';
import { fxUsage, runFxCommand } from './fx-command.ts';
import { goalsCliOptions, goalsUsage, runGoalsCommand } from './goals-command.ts';
import { runKeysCommand } from './keys-command.ts';
import { membersCliOptions, membersUsage, runMembersCommand } from './members-command.ts';
import { proxyKeysUsage, runProxyKeysCommand } from './proxy-keys-command.ts';

const usage = `Usage: zenovay <command> [options]

  sites add <domain> [--name NAME] [--timezone TZ]   create a site, print its id and tracking code
  sites list                                         list sites
  stats filtered [--site ID] [--days N]              refused events per site, day and reason
  keys create [--site ID] [--scope read,ingest,write] [--name NAME]
                                                     create an API key (shown once; default scope read)
  keys list                                          list API keys (prefix, scope, state)
  keys revoke <prefix>                               revoke a key at once
${proxyKeysUsage}
${goalsUsage}
${funnelsUsage}
${fxUsage}
${membersUsage}
  users add <email> [--password-stdin]               create a dashboard account (prints a generated
                                                     password unless one is piped on stdin)
  users delete <email> [--yes]                       delete an account, its sessions and the sites only it
                                                     owns with their events (prints the plan; --yes deletes)
  export --site ID --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|ndjson] [--out FILE]
                                                     stream raw events (days in the site's time zone)

Options: --json          print JSON instead of text
         --data-dir DIR  the server's data directory (overrides ZENOVAY_DATA_DIR)
Environment: ZENOVAY_DATA_DIR (default ./data); with DATABASE_URL and ZENOVAY_CLICKHOUSE_URL set
  (scale-out) sites, keys and users live in PostgreSQL and exports read ClickHouse
The CLI goes through the server running on the data directory (its admin socket), else opens the
database there itself; only commands that add something create a database that does not exist.`;

/** Commands that may start a new, empty database: each adds something that needs no site first. */
const creatingCommands = new Set(['sites add', 'users add', 'keys create', 'fx import']);

export async function runCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (text: string) => void,
  io: ExportIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      name: { type: 'string' },
      timezone: { type: 'string' },
      site: { type: 'string' },
      days: { type: 'string', default: '7' },
      scope: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      ...goalsCliOptions,
      ...funnelsCliOptions,
      ...membersCliOptions,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [group, command, ...rest] = positionals;
  if (values.help || !group) {
    out(usage);
    return group ? 0 : 2;
  }
  const dataDir = values['data-dir'];
  const config = loadConfig(dataDir === undefined ? env : { ...env, ZENOVAY_DATA_DIR: dataDir });
  const opened = await openAdmin(config, creatingCommands.has(`${group} ${command}`));
  const { ops } = opened;
  // On stderr, so `--json` output stays one parseable document.
  if (opened.createdDatabase) io.stderr.write(`Created a new database in ${opened.createdDatabase}\n`);
  try {
    if (group === 'sites' && command === 'add' && rest[0]) {
      const site = await ops.addSite({ domain: rest[0], name: values.name, timezone: values.timezone });
      out(
        values.json
          ? JSON.stringify(siteJson(site))
          : `Site ${site.domain}\n  id:            ${site.id}\n  tracking code: ${site.trackingCode}`,
      );
      return 0;
    }
    if (group === 'sites' && command === 'list') {
      const sites = await ops.listSites();
      if (values.json) out(JSON.stringify(sites.map(siteJson)));
      else
        out(
          sites.length === 0
            ? `No sites yet in ${opened.where}: zenovay sites add example.com`
            : sites.map(siteLine).join('\n'),
        );
      return 0;
    }
    if (group === 'stats' && command === 'filtered') {
      const days = Number(values.days);
      if (!Number.isInteger(days) || days < 1) throw new Error('--days must be a positive integer');
      const fromDay = utcDay(Date.now() - (days - 1) * 86_400_000);
      const counts = await ops.refusals({ fromDay, siteId: values.site });
      out(values.json ? JSON.stringify(counts.map(refusalJson)) : refusalTable(counts));
      return 0;
    }
    if (group === 'keys') {
      const code = await runKeysCommand(ops, command, rest, values, out);
      if (code !== undefined) return code;
    }
    if (group === 'proxy-keys') {
      const code = await runProxyKeysCommand(ops.proxyKeys, command, rest, values, out);
      if (code !== undefined) return code;
    }
    if (group === 'goals') {
      const code = await runGoalsCommand(ops.goals, command, rest, values, out);
      if (code !== undefined) return code;
    }
    if (group === 'funnels') {
      const code = await runFunnelsCommand(ops.funnels, command, rest, values, out);
      if (code !== undefined) return code;
    }
    if (group === 'members') {
      const code = await runMembersCommand(ops.members, command, rest, values, out);
      if (code !== undefined) return code;
    }
    if (group === 'fx') {
      const code = await runFxCommand(ops.fx, command, rest, values, out);
      if (code !== undefined) return code;
    }
    if (group === 'export') return await runExportCommand(ops, values, io);
    if (group === 'users') {
      const options = { json: values.json, passwordStdin: values['password-stdin'], yes: values.yes };
      const code = await runUsersCommand(ops, command, rest, options, out);
      if (code !== undefined) return code;
    }
    out(usage);
    return 2;
  } finally {
    await ops.close();
  }
}

function siteJson(site: Site) {
  return {
    id: site.id,
    domain: site.domain,
    tracking_code: site.trackingCode,
    name: site.name,
    timezone: site.timezone,
    created_at: site.createdAt,
  };
}

function siteLine(site: Site): string {
  return `${site.id}  ${site.trackingCode}  ${site.domain}`;
}

function refusalJson(item: RefusalCount) {
  return { site_id: item.siteId, day: item.day, reason: item.reason, count: item.count };
}

function refusalTable(counts: RefusalCount[]): string {
  if (counts.length === 0) return 'No refused events in this period.';
  return counts
    .map((item) => `${item.day}  ${item.siteId || '(unknown code)'}  ${item.reason}  ${item.count}`)
    .join('\n');
}
