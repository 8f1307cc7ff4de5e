import { EcbFormatError } from '../fx/ecb-rates.ts';
import { type FxImportSummary, importEcbRates } from '../fx/fx-import.ts';
import type { FxRateStore } from '../fx/types.ts';
import { AdminInputError } from './admin-input-error.ts';

/** `zenovay fx import FILE`: the CLI reads the file and hands over its text. */
export interface FxOps {
  importRates(input: { text: string }): Promise<FxImportSummary>;
}

/** On the configured rate store: the server's own (socket) or one opened on the stores (direct). */
export function storeFxOps(store: FxRateStore): FxOps {
  return {
    importRates: async ({ text }) => {
      try {
        return await importEcbRates(store, text);
      } catch (error) {
        if (error instanceof EcbFormatError) throw new AdminInputError(error.message);
        throw error;
      }
    },
  };
}

type AdminCall = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/** Sent to the running server, which holds the DuckDB file (the historic file is a few MB of text). */
export function socketFxOps(call: AdminCall): FxOps {
  return { importRates: (input) => call<FxImportSummary>('POST', '/fx/import', input) };
}

/** The admin socket's fx route; undefined when the route is another. */
export async function answerFxAdmin(
  ops: FxOps,
  route: string,
  readBody: () => Promise<string>,
): Promise<[number, unknown] | undefined> {
  if (route !== 'POST /fx/import') return undefined;
  const { text } = JSON.parse(await readBody()) as { text?: unknown };
  return [200, await ops.importRates({ text: typeof text === 'string' ? text : '' })];
}
