import { ProxyKeyInputError, type ProxyKeyRegistry } from '../proxy/proxy-key-registry.ts';
import type { ProxyKeyRecord } from '../store/types.ts';
import { AdminInputError } from './admin-input-error.ts';

/** A proxy key as the CLI shows it: everything but the hash. */
export type ProxyKeyInfo = Omit<ProxyKeyRecord, 'keyHash'>;

export interface CreatedProxyKeyInfo {
  /** The full key, shown once. */
  readonly key: string;
  readonly info: ProxyKeyInfo;
}

/** `zenovay proxy-keys …`, the same whether the server runs (socket) or not (direct). */
export interface ProxyKeyOps {
  create(input: { siteId: string; name?: string }): Promise<CreatedProxyKeyInfo>;
  list(input?: { siteId?: string }): Promise<ProxyKeyInfo[]>;
  /** Throws `AdminInputError` (404) when no active proxy key has the prefix. */
  revoke(prefix: string): Promise<void>;
}

/** The operations on a registry: the server's own (socket) or one opened on the file (direct). */
export function registryProxyKeyOps(registry: ProxyKeyRegistry): ProxyKeyOps {
  return {
    create: (input) =>
      asAdminError(async () => {
        const created = await registry.create(input);
        return { key: created.key, info: proxyKeyInfo(created.record) };
      }),
    list: async (input = {}) => (await registry.list(input.siteId)).map(proxyKeyInfo),
    revoke: (prefix) => asAdminError(() => registry.revoke(prefix)),
  };
}

type AdminCall = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/** The operations sent to the running server, whose in-memory key map must see every change. */
export function socketProxyKeyOps(call: AdminCall): ProxyKeyOps {
  return {
    create: (input) => call<CreatedProxyKeyInfo>('POST', '/proxy-keys', input),
    list: (input = {}) =>
      call<ProxyKeyInfo[]>(
        'GET',
        input.siteId === undefined
          ? '/proxy-keys'
          : `/proxy-keys?${new URLSearchParams({ site: input.siteId })}`,
      ),
    revoke: async (prefix) => {
      await call('POST', '/proxy-keys/revoke', { prefix });
    },
  };
}

/**
 * The admin socket's proxy-key routes; `[status, json]`, or undefined when the route is not one of
 * them (the caller answers 404).
 */
export async function answerProxyKeyAdmin(
  ops: ProxyKeyOps,
  route: string,
  url: URL,
  readBody: () => Promise<string>,
): Promise<[number, unknown] | undefined> {
  switch (route) {
    case 'GET /proxy-keys':
      return [200, await ops.list({ siteId: url.searchParams.get('site') ?? undefined })];
    case 'POST /proxy-keys': {
      const input = JSON.parse(await readBody()) as { siteId?: unknown; name?: unknown };
      const name = typeof input.name === 'string' ? input.name : undefined;
      return [201, await ops.create({ siteId: String(input.siteId ?? ''), name })];
    }
    case 'POST /proxy-keys/revoke': {
      const { prefix } = JSON.parse(await readBody()) as { prefix?: unknown };
      await ops.revoke(String(prefix ?? ''));
      return [200, { prefix, revoked: true }];
    }
    default:
      return undefined;
  }
}

function proxyKeyInfo(record: ProxyKeyRecord): ProxyKeyInfo {
  const { keyHash: _hash, ...info } = record;
  return info;
}

async function asAdminError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ProxyKeyInputError) throw new AdminInputError(error.message, error.status);
    throw error;
  }
}
