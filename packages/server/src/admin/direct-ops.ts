import { addUserForAdmin, openAccounts } from '../accounts/user-admin.ts';
import { ApiKeyService } from '../auth/key-service.ts';
import { systemClock } from '../clock.ts';
import { ProxyKeyRegistry } from '../proxy/proxy-key-registry.ts';
import { SiteService } from '../sites/site-service.ts';
import { DuckDbMetadataStore } from '../store/duckdb/metadata-store.ts';
import { openDuckDb } from '../store/duckdb/open.ts';
import type { AdminOps } from './admin-ops.ts';
import { keyAndExportOps } from './key-ops.ts';
import { registryProxyKeyOps } from './proxy-key-ops.ts';

/** Admin operations on the DuckDB file itself, for when no server is running. */
export async function directAdminOps(dataDir: string): Promise<AdminOps> {
  const instance = await openDuckDb(dataDir);
  const metadata = await DuckDbMetadataStore.open(instance);
  const sites = new SiteService(metadata, null, systemClock);
  const users = await openAccounts(instance, metadata, systemClock);
  return {
    addSite: (input) => sites.add(input.domain, input),
    listSites: () => sites.list(),
    refusals: ({ fromDay, siteId }) => metadata.refusals(fromDay, siteId),
    ...keyAndExportOps(new ApiKeyService(metadata, systemClock), metadata, instance),
    addUser: (input) => addUserForAdmin(users.accounts, input),
    proxyKeys: registryProxyKeyOps(await ProxyKeyRegistry.open(metadata, systemClock)),
    close: async () => {
      users.close();
      metadata.close();
      instance.closeSync();
    },
  };
}
