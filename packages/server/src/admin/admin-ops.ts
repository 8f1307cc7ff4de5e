import type { Readable } from 'node:stream';
import type { AccountDeletionPlan } from '../accounts/account-deletion.ts';
import type { User } from '../accounts/types.ts';
import type { ExportFormat } from '../api/event-export.ts';
import type { ApiKeyRecord, RefusalCount, Site } from '../store/types.ts';
import type { FunnelOps } from './funnel-ops.ts';
import type { FxOps } from './fx-ops.ts';
import type { GoalOps } from './goal-ops.ts';
import type { MemberOps } from './member-ops.ts';
import type { ProxyKeyOps } from './proxy-key-ops.ts';

/** A key as the CLI shows it: everything but the hash (which nobody outside the store needs). */
export type ApiKeyInfo = Omit<ApiKeyRecord, 'keyHash'>;

export interface CreatedKeyInfo {
  /** The full key, shown once. */
  readonly key: string;
  readonly info: ApiKeyInfo;
}

export interface ExportInput {
  readonly siteId: string;
  readonly from: string;
  readonly to: string;
  readonly format: ExportFormat;
}

export interface ExportOutput {
  readonly rows: number;
  readonly stream: Readable;
}

/** What the CLI can ask of a data directory, whether the server is running or not. */
export interface AdminOps {
  addSite(input: { domain: string; name?: string; timezone?: string }): Promise<Site>;
  listSites(): Promise<Site[]>;
  refusals(input: { fromDay: string; siteId?: string }): Promise<RefusalCount[]>;
  createKey(input: { name?: string; siteId?: string; permissions?: string[] }): Promise<CreatedKeyInfo>;
  listKeys(): Promise<ApiKeyInfo[]>;
  /** Throws `AdminInputError` when no active key has the prefix. */
  revokeKey(prefix: string): Promise<void>;
  exportEvents(input: ExportInput): Promise<ExportOutput>;
  /** A dashboard account; throws `AdminInputError` for a bad or taken email or a short password. */
  addUser(input: { email: string; password: string }): Promise<User>;
  /** What deleting the account would remove; throws `AdminInputError` (404) for an unknown email. */
  userDeletionPlan(email: string): Promise<AccountDeletionPlan>;
  /** Deletes the account and the sites only it owns; `AdminInputError` 404 unknown, 409 the only account. */
  deleteUser(email: string): Promise<AccountDeletionPlan>;
  /** First-party proxy keys (`zenovay proxy-keys`). */
  readonly proxyKeys: ProxyKeyOps;
  /** Site goals (`zenovay goals`) and exchange rates (`zenovay fx import`). */
  readonly goals: GoalOps;
  /** Saved funnels (`zenovay funnels`). */
  readonly funnels: FunnelOps;
  /** Site members and invitations (`zenovay members`). */
  readonly members: MemberOps;
  readonly fx: FxOps;
  close(): Promise<void>;
}

export { AdminInputError } from './admin-input-error.ts';

export function adminSocketPath(dataDir: string): string {
  return `${dataDir.replace(/\/$/, '')}/admin.sock`;
}

export function keyInfo(record: ApiKeyRecord): ApiKeyInfo {
  const { keyHash: _hash, ...info } = record;
  return info;
}
