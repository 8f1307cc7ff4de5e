import type { Clock } from '../clock.ts';
import type { MetadataStore, ProxyKeyRecord } from '../store/types.ts';
import { generateProxyKey, hashProxyKey, isWellFormedProxyKey } from './proxy-key.ts';

/** A refused proxy-key request (unknown site, unknown prefix); the message is for the person. */
export class ProxyKeyInputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface CreatedProxyKey {
  /** The only time the full key exists outside the caller's hands. */
  readonly key: string;
  readonly record: ProxyKeyRecord;
}

/** What a presented key resolved to: its site and its non-secret prefix (for logs). */
export interface ProxyKeyMatch {
  readonly siteId: string;
  readonly prefix: string;
}

/**
 * Proxy keys for every site. The active ones are held in memory by hash, so checking a request's
 * key is one SHA-256 and one map lookup, no I/O. Create and revoke go through this object, which
 * updates the map at once; the CLI reaches the running server's registry over the admin socket,
 * so a revoked key stops working immediately.
 */
export class ProxyKeyRegistry {
  private active = new Map<string, ProxyKeyMatch>();
  /** Bumped by every local change, so a reload that raced with one does not undo it. */
  private changes = 0;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly store: MetadataStore,
    private readonly clock: Clock,
  ) {}

  static async open(store: MetadataStore, clock: Clock): Promise<ProxyKeyRegistry> {
    const registry = new ProxyKeyRegistry(store, clock);
    await registry.reload();
    return registry;
  }

  /** Re-reads the active keys from the store (changes made by another process). */
  async reload(): Promise<void> {
    const before = this.changes;
    const keys = await this.store.listProxyKeys();
    if (this.changes !== before) return; // a local change landed meanwhile; the next reload has it
    this.active = new Map(
      keys
        .filter((key) => key.revokedAt === null)
        .map((key) => [key.keyHash, { siteId: key.siteId, prefix: key.prefix }]),
    );
  }

  async create(input: { siteId: string; name?: string }): Promise<CreatedProxyKey> {
    const siteId = input.siteId.trim();
    if (!(await this.store.listSites()).some((site) => site.id === siteId)) {
      throw new ProxyKeyInputError(`no site has id "${siteId}"; see: zenovay sites list`, 404);
    }
    const taken = new Set((await this.store.listProxyKeys()).map((key) => key.prefix));
    let generated = generateProxyKey();
    // 48 random bits of prefix: a collision is astronomically rare; draw again rather than fail.
    while (taken.has(generated.prefix)) generated = generateProxyKey();
    const record: ProxyKeyRecord = {
      prefix: generated.prefix,
      keyHash: generated.keyHash,
      siteId,
      name: input.name?.trim() || 'proxy',
      createdAt: new Date(this.clock.now()).toISOString(),
      revokedAt: null,
    };
    await this.store.createProxyKey(record);
    this.changes++;
    this.active.set(record.keyHash, { siteId, prefix: record.prefix });
    return { key: generated.key, record };
  }

  /** Every key, revoked ones included; of one site when `siteId` is given. */
  async list(siteId?: string): Promise<ProxyKeyRecord[]> {
    const keys = await this.store.listProxyKeys();
    return siteId === undefined ? keys : keys.filter((key) => key.siteId === siteId);
  }

  async revoke(prefix: string): Promise<void> {
    const wanted = prefix.trim();
    if (!(await this.store.revokeProxyKey(wanted, new Date(this.clock.now()).toISOString()))) {
      throw new ProxyKeyInputError(
        `no active proxy key has prefix "${wanted}"; see: zenovay proxy-keys list`,
        404,
      );
    }
    this.changes++;
    for (const [hash, match] of this.active) if (match.prefix === wanted) this.active.delete(hash);
  }

  /**
   * Scale-out: several servers share one metadata store, and a key created or revoked through
   * one of them reaches the others by this periodic reload (a small table, read every interval).
   */
  startRefreshing(intervalMs: number, onError: (error: unknown) => void): void {
    this.timer ??= setInterval(() => this.reload().catch(onError), intervalMs);
    this.timer.unref();
  }

  stopRefreshing(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The active key a request presented, or undefined for a malformed, unknown or revoked one. */
  match(presented: string): ProxyKeyMatch | undefined {
    if (!isWellFormedProxyKey(presented)) return undefined;
    return this.active.get(hashProxyKey(presented));
  }
}
