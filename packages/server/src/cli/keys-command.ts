import type { AdminOps, ApiKeyInfo } from '../admin/admin-ops.ts';

export interface KeysOptions {
  readonly json: boolean;
  readonly site?: string;
  readonly scope?: string;
  readonly name?: string;
}

/** `keys create|list|revoke`; returns the exit code, or undefined when the subcommand is unknown. */
export async function runKeysCommand(
  ops: AdminOps,
  command: string | undefined,
  args: string[],
  options: KeysOptions,
  out: (text: string) => void,
): Promise<number | undefined> {
  if (command === 'create') {
    const created = await ops.createKey({
      name: options.name,
      siteId: options.site,
      permissions: options.scope === undefined ? undefined : [options.scope],
    });
    if (options.json) out(JSON.stringify({ key: created.key, ...keyJson(created.info) }));
    else
      out(
        [
          'API key created. Copy it now: it is shown only once and cannot be recovered.',
          '',
          `  ${created.key}`,
          '',
          `  prefix:      ${created.info.prefix}`,
          `  name:        ${created.info.name}`,
          `  sites:       ${created.info.siteId ?? 'all'}`,
          `  permissions: ${created.info.permissions.join(',')}`,
        ].join('\n'),
      );
    return 0;
  }
  if (command === 'list') {
    const keys = await ops.listKeys();
    if (options.json) out(JSON.stringify(keys.map(keyJson)));
    else out(keys.length === 0 ? 'No API keys yet: zenovay keys create' : keys.map(keyLine).join('\n'));
    return 0;
  }
  if (command === 'revoke' && args[0]) {
    await ops.revokeKey(args[0]);
    out(options.json ? JSON.stringify({ prefix: args[0], revoked: true }) : `Revoked ${args[0]}`);
    return 0;
  }
  return undefined;
}

function keyJson(key: ApiKeyInfo) {
  return {
    prefix: key.prefix,
    name: key.name,
    site_id: key.siteId,
    permissions: key.permissions,
    created_at: key.createdAt,
    revoked_at: key.revokedAt,
  };
}

function keyLine(key: ApiKeyInfo): string {
  const state = key.revokedAt === null ? 'active' : `revoked ${key.revokedAt}`;
  return `${key.prefix}…  ${key.permissions.join(',')}  ${key.siteId ?? 'all sites'}  ${key.name}  ${state}`;
}
