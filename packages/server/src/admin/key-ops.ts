import { openEventExport } from '../api/event-export.ts';
import { exportRangeErrors } from '../api/export-range.ts';
import { ApiKeyInputError, type ApiKeyService } from '../auth/key-service.ts';
import type { EventReader } from '../store/event-reader.ts';
import type { MetadataStore } from '../store/types.ts';
import { AdminInputError, type AdminOps, type ExportInput, keyInfo } from './admin-ops.ts';

/**
 * The key and export operations, shared by the admin socket (server running) and direct mode
 * (no server), so both behave and refuse identically.
 */
export function keyAndExportOps(
  keys: ApiKeyService,
  metadata: MetadataStore,
  events: EventReader,
): Pick<AdminOps, 'createKey' | 'listKeys' | 'revokeKey' | 'exportEvents'> {
  return {
    createKey: async (input) => {
      try {
        const created = await keys.create(input);
        return { key: created.key, info: keyInfo(created.record) };
      } catch (error) {
        if (error instanceof ApiKeyInputError) throw new AdminInputError(error.message);
        throw error;
      }
    },
    listKeys: async () => (await keys.list()).map(keyInfo),
    revokeKey: async (prefix) => {
      if (!(await keys.revoke(prefix))) {
        throw new AdminInputError(`no active key has prefix "${prefix}"; see: zenovay keys list`, 404);
      }
    },
    exportEvents: (input) => exportEvents(metadata, events, input),
  };
}

async function exportEvents(metadata: MetadataStore, events: EventReader, input: ExportInput) {
  const problems = exportRangeErrors(input.from, input.to);
  if (problems.length > 0)
    throw new AdminInputError(problems.map((p) => `--${p.field} ${p.reason}`).join('; '));
  if (input.format !== 'csv' && input.format !== 'ndjson') {
    throw new AdminInputError('--format must be csv or ndjson');
  }
  const site = (await metadata.listSites()).find((item) => item.id === input.siteId);
  if (!site) throw new AdminInputError(`no site has id "${input.siteId}"; see: zenovay sites list`, 404);
  return openEventExport(events, site, input);
}
