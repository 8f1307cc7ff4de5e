import type { AccountService } from '../accounts/account-service.ts';
import type { ApiKeyService } from '../auth/key-service.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Funnels } from '../funnels/funnels.ts';
import type { GoalService } from '../goals/goal-service.ts';
import type { RateLimiter } from '../limits/rate-limiter.ts';
import type { SignInAttempts } from '../limits/sign-in-attempts.ts';
import type { Logger } from '../log.ts';
import type { MemberService } from '../members/member-service.ts';
import type { ProxyKeyRegistry } from '../proxy/proxy-key-registry.ts';
import type { Mailer } from '../reports/mailer.ts';
import type { ReportScheduler } from '../reports/report-scheduler.ts';
import type { ReportService } from '../reports/report-service.ts';
import type { AnswerCache } from '../sharing/answer-cache.ts';
import type { ShareService } from '../sharing/share-service.ts';
import type { SiteDirectory } from '../sites/site-directory.ts';
import type { SiteRemover } from '../sites/site-removal.ts';
import type { SiteService } from '../sites/site-service.ts';
import type { StatsEngine } from '../stats/index.ts';
import type { EventReader } from '../store/event-reader.ts';
import type { MetadataStore } from '../store/types.ts';

/** Everything the dashboard's routes need, built once by the runtime. */
export interface DashboardDeps {
  readonly config: Config;
  readonly clock: Clock;
  readonly log: Logger;
  readonly accounts: AccountService;
  readonly sites: SiteService;
  /** The one site deletion path: site, events, keys, proxy keys, refusal counters, memberships. */
  readonly removeSite: SiteRemover;
  readonly directory: SiteDirectory;
  readonly metadata: MetadataStore;
  readonly apiKeys: ApiKeyService;
  /** The running server's proxy keys: the registry the ingest path checks, updated in place. */
  readonly proxyKeys: ProxyKeyRegistry;
  /** Site goals: the one service behind the REST API, the dashboard and the CLI. */
  readonly goals: GoalService;
  /** Saved funnels and the funnel query: the same object the REST API uses. */
  readonly funnels?: Funnels;
  /** The one stats engine (the REST API's too): every number the dashboard shows comes from it. */
  readonly stats: StatsEngine;
  /** Raw-event reads (property keys of a drill-down), wherever events live. */
  readonly events: EventReader;
  /** Visitors active in the last 5 minutes, as `GET /e/live/{code}` reports it. */
  readonly liveVisitors: (siteId: string) => Promise<number>;
  /** Writes buffered refusal counters so the filtered-traffic panel is current. */
  readonly flushRefusals: () => Promise<void>;
  /** Counts failed sign-ins per (email, address), per address and per email. */
  readonly signInAttempts: SignInAttempts;
  /** Site roles, members and invitations (members/): every site route asks it for the role. */
  readonly members: MemberService;
  /** Email reports: subscriptions, and the scheduler when mail is configured (null otherwise). */
  readonly reports: {
    readonly service: ReportService;
    readonly scheduler: ReportScheduler | null;
    /** Sends mail (reports, invitations) when the server has mail settings; null otherwise. */
    readonly mailer: Mailer | null;
  };
  /** Shared links and public sites (sharing/). */
  readonly shares: ShareService;
  /** What shared views spend and reuse: a budget per view, password attempts, a brief answer cache. */
  readonly shareViews: {
    readonly limiter: RateLimiter;
    readonly passwordAttempts: SignInAttempts;
    readonly cache: AnswerCache;
  };
  /** The built dashboard (`packages/dashboard/dist`). */
  readonly staticDir: string;
}
