import { AccountService } from '../accounts/account-service.ts';
import { addUserForAdmin, userDeletionOps } from '../accounts/user-admin.ts';
import { ApiKeyService } from '../auth/key-service.ts';
import { systemClock } from '../clock.ts';
import type { Config } from '../config.ts';
import { funnelJson } from '../funnels/funnel-json.ts';
import { FunnelService } from '../funnels/funnel-service.ts';
import { GoalService } from '../goals/goal-service.ts';
import { MemberService } from '../members/member-service.ts';
import { ProxyKeyRegistry } from '../proxy/proxy-key-registry.ts';
import { openAdminStores } from '../scale/stores.ts';
import { siteRemover } from '../sites/site-removal.ts';
import { SiteService } from '../sites/site-service.ts';
import type { AdminOps } from './admin-ops.ts';
import { serviceFunnelOps } from './funnel-ops.ts';
import { storeFxOps } from './fx-ops.ts';
import { serviceGoalOps } from './goal-ops.ts';
import { keyAndExportOps } from './key-ops.ts';
import { serviceMemberOps } from './member-ops.ts';
import { registryProxyKeyOps } from './proxy-key-ops.ts';

/**
 * Admin operations on the configured stores themselves, for when no server is running: the
 * DuckDB file when embedded, PostgreSQL and ClickHouse in scale-out.
 */
export async function directAdminOps(config: Config): Promise<AdminOps> {
  const stores = await openAdminStores(config);
  const { metadata } = stores;
  const sites = new SiteService(metadata, null, systemClock);
  const apiKeys = new ApiKeyService(metadata, systemClock);
  const proxyKeys = await ProxyKeyRegistry.open(metadata, systemClock);
  const removeSite = siteRemover({
    metadata,
    directory: null,
    apiKeys,
    proxyKeys,
    accounts: stores.accounts,
  });
  const accounts = new AccountService(stores.accounts, metadata, systemClock, {
    removeSite,
    siteOwners: () => stores.members.owners(),
  });
  return {
    addSite: (input) => sites.add(input.domain, input),
    listSites: () => sites.list(),
    refusals: ({ fromDay, siteId }) => metadata.refusals(fromDay, siteId),
    ...keyAndExportOps(apiKeys, metadata, stores.reader),
    addUser: (input) => addUserForAdmin(accounts, input),
    ...userDeletionOps(accounts),
    proxyKeys: registryProxyKeyOps(proxyKeys),
    goals: serviceGoalOps(new GoalService(stores.goals, metadata, systemClock)),
    funnels: serviceFunnelOps({
      service: new FunnelService(stores.funnels, stores.goals, metadata, systemClock),
      json: async (list, siteId) => {
        const goals = await stores.goals.listGoals(siteId);
        return list.map((funnel) => funnelJson(funnel, goals));
      },
    }),
    members: serviceMemberOps({
      members: new MemberService(stores.members, accounts, stores.accounts, systemClock),
      accounts,
      listSites: () => sites.list(),
    }),
    fx: storeFxOps(stores.fx),
    close: () => stores.close(),
  };
}
