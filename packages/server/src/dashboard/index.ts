import type { DuckDBInstance } from '@duckdb/node-api';
import type { FastifyInstance } from 'fastify';
import { registerAuthRoutes } from './auth-routes.ts';
import type { DashboardDeps } from './deps.ts';
import { registerFunnelRoutes } from './funnel-routes.ts';
import { registerGoalRoutes } from './goal-routes.ts';
import { registerMemberRoutes } from './member-routes.ts';
import { registerProxyKeyRoutes } from './proxy-key-routes.ts';
import { registerReportRoutes, registerUnsubscribeRoute } from './report-routes.ts';
import { createSessionTools, installSessionGuard } from './session-guard.ts';
import { registerSharedLinkRoutes } from './shared-link-routes.ts';
import { registerSharedViewRoutes } from './shared-view-routes.ts';
import { registerSiteRoutes } from './site-routes.ts';
import { registerStaticRoutes } from './static-routes.ts';
import { registerStatsRoutes } from './stats-routes.ts';

export type { DashboardDeps } from './deps.ts';
export { openDashboard } from './wiring.ts';

/** The dashboard: its static files at `/`, its session-authenticated JSON API at `/api/dashboard`. */
export function registerDashboard(
  app: FastifyInstance,
  deps: DashboardDeps & { duckdb: DuckDBInstance },
): void {
  // `/<domain>` opens the dashboard for a site made public; any other such path stays a 404.
  registerStaticRoutes(
    app,
    deps.staticDir,
    async (domain) => (await deps.shares.resolve(domain))?.kind === 'public',
  );
  const tools = createSessionTools(deps);
  app.register(
    async (scope) => {
      installSessionGuard(scope, deps);
      registerAuthRoutes(scope, deps, tools);
      registerSiteRoutes(scope, deps);
      registerProxyKeyRoutes(scope, deps);
      registerGoalRoutes(scope, deps);
      registerFunnelRoutes(scope, deps);
      registerStatsRoutes(scope, deps);
      registerSharedLinkRoutes(scope, deps);
      registerMemberRoutes(scope, deps, tools);
      registerReportRoutes(scope, deps);
    },
    { prefix: '/api/dashboard' },
  );
  registerUnsubscribeRoute(app, deps);
  // Shared views: outside the session guard on purpose (no session is read, nothing is written).
  app.register(
    (scope, _options, done) => {
      registerSharedViewRoutes(scope, deps, tools);
      done();
    },
    { prefix: '/api/share' },
  );
}
