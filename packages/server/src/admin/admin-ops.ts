import type { RefusalCount, Site } from '../store/types.ts';

/** What the CLI can ask of a data directory, whether the server is running or not. */
export interface AdminOps {
  addSite(input: { domain: string; name?: string; timezone?: string }): Promise<Site>;
  listSites(): Promise<Site[]>;
  refusals(input: { fromDay: string; siteId?: string }): Promise<RefusalCount[]>;
  close(): Promise<void>;
}

export function adminSocketPath(dataDir: string): string {
  return `${dataDir.replace(/\/$/, '')}/admin.sock`;
}
