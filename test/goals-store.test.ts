import type { GoalStore } from '../packages/server/src/goals/types.ts';
import { DuckDbGoalStore } from '../packages/server/src/store/duckdb/goal-store.ts';
import { goalContract, goalContractSites } from './support/goal-contract.ts';
import { describeOnBothMetadataStores } from './support/metadata-stores.ts';

describeOnBothMetadataStores<{ store: GoalStore }>(
  'GoalStore contract',
  {
    duckdb: async (instance) => ({ store: await DuckDbGoalStore.open(instance) }),
    postgres: (metadata) => ({ store: metadata.goalStore() }),
    sites: goalContractSites,
  },
  goalContract,
);
