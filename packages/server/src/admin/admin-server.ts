import fs from 'node:fs';
import http from 'node:http';
import type { Logger } from '../log.ts';
import type { Runtime } from '../runtime.ts';
import { InvalidDomainError } from '../sites/site-service.ts';
import { adminSocketPath } from './admin-ops.ts';

export interface AdminServer {
  close(): Promise<void>;
}

/**
 * A local admin channel on a Unix socket in the data directory (mode 0600), never on the public
 * port. It lets the CLI work while the server holds the DuckDB file (one opener per file).
 */
export async function startAdminServer(runtime: Runtime, log: Logger): Promise<AdminServer> {
  const socketPath = adminSocketPath(runtime.config.dataDir);
  fs.rmSync(socketPath, { force: true }); // a stale socket from a killed server
  const server = http.createServer((request, response) => {
    handle(runtime, request)
      .then(([status, body]) => send(response, status, body))
      .catch((error: unknown) => {
        if (error instanceof InvalidDomainError) return send(response, 400, { error: error.message });
        log.error('admin request failed', { error: error instanceof Error ? error.message : String(error) });
        return send(response, 500, { error: 'internal error' });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  fs.chmodSync(socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        fs.rmSync(socketPath, { force: true });
      }),
  };
}

async function handle(runtime: Runtime, request: http.IncomingMessage): Promise<[number, unknown]> {
  const url = new URL(request.url ?? '/', 'http://admin');
  if (request.method === 'GET' && url.pathname === '/sites') return [200, await runtime.sites.list()];
  if (request.method === 'POST' && url.pathname === '/sites') {
    const input = JSON.parse(await readBody(request)) as { domain: string; name?: string; timezone?: string };
    return [201, await runtime.sites.add(input.domain, input)];
  }
  if (request.method === 'GET' && url.pathname === '/refusals') {
    await runtime.refusals.flush();
    const siteId = url.searchParams.get('site') ?? undefined;
    return [200, await runtime.metadata.refusals(url.searchParams.get('from') ?? '0000-00-00', siteId)];
  }
  return [404, { error: 'not found' }];
}

async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
