import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBInstance } from '@duckdb/node-api';
import { AccountService } from '../accounts/account-service.ts';
import type { AccountStore } from '../accounts/types.ts';
import { LiveCounter } from '../api/live-counter.ts';
import { ApiKeyService } from '../auth/key-service.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Funnels } from '../funnels/funnels.ts';
import type { GoalService } from '../goals/goal-service.ts';
import { MemoryRateLimiter, type RateLimiter } from '../limits/rate-limiter.ts';
import { MemorySignInAttempts, type SignInAttempts, type SignInLimits } from '../limits/sign-in-attempts.ts';
import type { Logger } from '../log.ts';
import { MemberService } from '../members/member-service.ts';
import type { MemberStore } from '../members/types.ts';
import type { ProxyKeyRegistry } from '../proxy/proxy-key-registry.ts';
import { mailProblem } from '../reports/mail-config.ts';
import { type Mailer, smtpMailer } from '../reports/mailer.ts';
import { ReportScheduler } from '../reports/report-scheduler.ts';
import { ReportService } from '../reports/report-service.ts';
import type { ReportStore } from '../reports/types.ts';
import { AnswerCache } from '../sharing/answer-cache.ts';
import {
  shareCacheMaxEntries,
  shareCacheTtlMs,
  sharePasswordLimits,
  shareViewLimits,
} from '../sharing/limits.ts';
import { ShareService } from '../sharing/share-service.ts';
import type { SharedLinkStore } from '../sharing/types.ts';
import type { SiteDirectory } from '../sites/site-directory.ts';
import { siteRemover } from '../sites/site-removal.ts';
import { SiteService } from '../sites/site-service.ts';
import { createDuckDbStatsEngine, type StatsEngine } from '../stats/index.ts';
import type { EventReader } from '../store/event-reader.ts';
import type { MetadataStore } from '../store/types.ts';
import type { DashboardDeps } from './deps.ts';

/** Where `npm run build -w @zenovay/dashboard` writes the static files. */
export const defaultDashboardDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../dashboard/dist',
);

/**
 * Failed sign-ins per 15 minutes: 10 per (email, address) — enough for a person who mistypes, far
 * too few for guessing; 30 per address across emails; 50 per email from addresses that have failed
 * on it themselves. A right password from an address without failures is never refused.
 */
export const signInLimits: SignInLimits = {
  perPair: 10,
  perAddress: 30,
  perEmail: 50,
  windowMs: 15 * 60_000,
};

/** How often due reports are looked for (each is sent once; see reports/report-scheduler.ts). */
export const reportPassIntervalMs = 5 * 60_000;

export interface OpenDashboardInput {
  readonly config: Config;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metadata: MetadataStore;
  readonly duckdb: DuckDBInstance;
  /** Users, sessions, memberships: DuckDB or PostgreSQL (scale/stores.ts). */
  readonly accountStore: AccountStore;
  /** Raw-event reads: DuckDB or ClickHouse (scale/stores.ts). */
  readonly events: EventReader;
  readonly directory: SiteDirectory;
  readonly flushRefusals: () => Promise<void>;
  /** The runtime's registry (never a second one: its in-memory map is what ingest checks). */
  readonly proxyKeys: ProxyKeyRegistry;
  /** The runtime's goal service (shared with the REST API and the admin socket). */
  readonly goals: GoalService;
  /** The runtime's funnels (saved funnels and the funnel query); omitted, no funnel routes. */
  readonly funnels?: Funnels;
  readonly signInAttempts?: SignInAttempts;
  /** Email report subscriptions and sends: DuckDB or PostgreSQL (scale/stores.ts). */
  readonly reportStore: ReportStore;
  /** How report mails go out; by default SMTP from the config (reports/mailer.ts). */
  readonly mailer?: Mailer;
  /** Site roles and invitations: DuckDB or PostgreSQL (scale/stores.ts). */
  readonly memberStore: MemberStore;
  /** Shared links and public sites: DuckDB or PostgreSQL (scale/stores.ts). */
  readonly sharedLinks: SharedLinkStore;
  /** Each shared view's request budget (sharing/limits.ts); shared by all nodes with Redis. */
  readonly shareLimiter?: RateLimiter;
  /** Wrong passwords of shared links; shared by all nodes with Redis. */
  readonly sharePasswordAttempts?: SignInAttempts;
  readonly staticDir?: string;
  /** The stats engine to share with the REST API; by default one over `duckdb`. */
  readonly stats?: StatsEngine;
}

/**
 * Builds the dashboard's dependencies on the runtime's stores (which the runtime closes). `close`
 * stops the report scheduler and waits (bounded) for a mail being sent; call it before the stores
 * close, as the send records itself in them. It never rejects.
 */
export async function openDashboard(input: OpenDashboardInput): Promise<{
  deps: DashboardDeps & { duckdb: DuckDBInstance };
  close: () => Promise<void>;
}> {
  const live = new LiveCounter(input.events, input.clock);
  const apiKeys = new ApiKeyService(input.metadata, input.clock);
  const removeSite = siteRemover({
    metadata: input.metadata,
    directory: input.directory,
    apiKeys,
    proxyKeys: input.proxyKeys,
    accounts: input.accountStore,
  });
  const stats = input.stats ?? createDuckDbStatsEngine(input.duckdb);
  const mailer =
    mailProblem(input.config.mail) === null ? (input.mailer ?? smtpMailer(input.config.mail)) : null;
  const scheduler =
    mailer === null
      ? null
      : new ReportScheduler({
          store: input.reportStore,
          metadata: input.metadata,
          stats,
          goals: input.goals,
          mailer,
          publicUrl: input.config.mail.publicUrl ?? '',
          log: input.log,
        });
  scheduler?.start(reportPassIntervalMs, () => input.clock.now());
  const accounts = new AccountService(input.accountStore, input.metadata, input.clock, {
    removeSite,
    siteOwners: () => input.memberStore.owners(),
  });
  const deps = {
    config: input.config,
    clock: input.clock,
    log: input.log,
    accounts,
    members: new MemberService(input.memberStore, accounts, input.accountStore, input.clock),
    sites: new SiteService(input.metadata, input.directory, input.clock),
    removeSite,
    directory: input.directory,
    metadata: input.metadata,
    apiKeys,
    proxyKeys: input.proxyKeys,
    goals: input.goals,
    ...(input.funnels ? { funnels: input.funnels } : {}),
    stats,
    reports: { service: new ReportService(input.reportStore, input.clock), scheduler, mailer },
    events: input.events,
    liveVisitors: (siteId: string) => live.count(siteId),
    flushRefusals: input.flushRefusals,
    signInAttempts: input.signInAttempts ?? new MemorySignInAttempts(signInLimits),
    shares: new ShareService(input.sharedLinks, input.metadata, input.directory, input.clock),
    shareViews: {
      limiter: input.shareLimiter ?? new MemoryRateLimiter(shareViewLimits),
      passwordAttempts: input.sharePasswordAttempts ?? new MemorySignInAttempts(sharePasswordLimits),
      cache: new AnswerCache(shareCacheTtlMs, shareCacheMaxEntries),
    },
    staticDir: input.staticDir ?? defaultDashboardDir,
    duckdb: input.duckdb,
  };
  return {
    deps,
    close: async () => {
      await scheduler?.stop();
    },
  };
}
