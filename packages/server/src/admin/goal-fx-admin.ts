import type { FxRateStore } from '../fx/types.ts';
import type { GoalService } from '../goals/goal-service.ts';
import { answerFunnelAdmin, type FunnelAdminTarget, serviceFunnelOps } from './funnel-ops.ts';
import { answerFxAdmin, storeFxOps } from './fx-ops.ts';
import { answerGoalAdmin, serviceGoalOps } from './goal-ops.ts';

/**
 * The admin socket's goal and exchange-rate routes on the running server's own service and rate
 * store; undefined when the route is neither (the caller answers 404).
 */
export async function answerGoalAndFxAdmin(
  runtime: { readonly goals: GoalService; readonly funnels: FunnelAdminTarget; readonly fx: FxRateStore },
  route: string,
  url: URL,
  readBody: () => Promise<string>,
): Promise<[number, unknown] | undefined> {
  return (
    (await answerGoalAdmin(serviceGoalOps(runtime.goals), route, url, readBody)) ??
    (await answerFunnelAdmin(serviceFunnelOps(runtime.funnels), route, url, readBody)) ??
    (await answerFxAdmin(storeFxOps(runtime.fx), route, readBody))
  );
}
