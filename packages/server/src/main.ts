import { startAdminServer } from './admin/admin-server.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { startRuntime } from './runtime.ts';

/** `npm start`: serve the embedded default until SIGTERM/SIGINT, then drain and commit. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger(config.logLevel);
  const runtime = await startRuntime(config, { log });
  const admin = await startAdminServer(runtime, log);
  await runtime.app.listen({ port: config.port, host: config.host });
  log.info('zenovay is listening', { port: config.port, host: config.host, dataDir: config.dataDir });

  let exiting = false;
  const shutdown = async (signal: string) => {
    if (exiting) return;
    exiting = true;
    log.info('draining before exit', { signal });
    try {
      await admin.close();
      await runtime.stop();
      process.exit(0);
    } catch (error) {
      log.error('shutdown failed', { error: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `zenovay failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
