import type { ProxyKeyInfo, ProxyKeyOps } from '../admin/proxy-key-ops.ts';

export interface ProxyKeysOptions {
  readonly json: boolean;
  readonly site?: string;
  readonly name?: string;
}

export const proxyKeysUsage = `  proxy-keys create --site ID [--name NAME]          create a first-party proxy key (shown once)
  proxy-keys list [--site ID]                        list proxy keys (prefix, site, state)
  proxy-keys revoke <prefix>                         revoke a proxy key at once`;

/** `proxy-keys create|list|revoke`; the exit code, or undefined when the subcommand is unknown. */
export async function runProxyKeysCommand(
  ops: ProxyKeyOps,
  command: string | undefined,
  args: string[],
  options: ProxyKeysOptions,
  out: (text: string) => void,
): Promise<number | undefined> {
  if (command === 'create') {
    if (!options.site) throw new Error('proxy-keys create needs --site ID; see: zenovay sites list');
    const created = await ops.create({ siteId: options.site, name: options.name });
    if (options.json) out(JSON.stringify({ key: created.key, ...proxyKeyJson(created.info) }));
    else
      out(
        [
          'Proxy key created. Copy it now: it is shown only once and cannot be recovered.',
          'Configure your proxy to send it as the X-Zenovay-Proxy-Key header (see docs/proxy.md).',
          '',
          `  ${created.key}`,
          '',
          `  prefix: ${created.info.prefix}`,
          `  site:   ${created.info.siteId}`,
          `  name:   ${created.info.name}`,
        ].join('\n'),
      );
    return 0;
  }
  if (command === 'list') {
    const keys = await ops.list({ siteId: options.site });
    if (options.json) out(JSON.stringify(keys.map(proxyKeyJson)));
    else
      out(
        keys.length === 0
          ? 'No proxy keys yet: zenovay proxy-keys create --site ID'
          : keys.map(proxyKeyLine).join('\n'),
      );
    return 0;
  }
  if (command === 'revoke' && args[0]) {
    await ops.revoke(args[0]);
    out(options.json ? JSON.stringify({ prefix: args[0], revoked: true }) : `Revoked ${args[0]}`);
    return 0;
  }
  return undefined;
}

function proxyKeyJson(key: ProxyKeyInfo) {
  return {
    prefix: key.prefix,
    site_id: key.siteId,
    name: key.name,
    created_at: key.createdAt,
    revoked_at: key.revokedAt,
  };
}

function proxyKeyLine(key: ProxyKeyInfo): string {
  const state = key.revokedAt === null ? 'active' : `revoked ${key.revokedAt}`;
  return `${key.prefix}…  ${key.siteId}  ${key.name}  ${state}`;
}
