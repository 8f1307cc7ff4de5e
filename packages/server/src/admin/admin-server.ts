import fs from 'node:fs';
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { addUserForAdmin, userDeletionOps } from '../accounts/user-admin.ts';
import type { ExportFormat } from '../api/event-export.ts';
import { ApiKeyService } from '../auth/key-service.ts';
import { systemClock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Runtime } from '../runtime.ts';
import { InvalidDomainError } from '../sites/site-service.ts';
import { AdminInputError, adminSocketPath } from './admin-ops.ts';
import { answerGoalAndFxAdmin } from './goal-fx-admin.ts';
import { keyAndExportOps } from './key-ops.ts';
import { answerMemberAdmin, serviceMemberOps } from './member-ops.ts';
import { answerProxyKeyAdmin, registryProxyKeyOps } from './proxy-key-ops.ts';

export interface AdminServer {
  close(): Promise<void>;
}

type KeyOps = ReturnType<typeof keyAndExportOps>;

/**
 * A local admin channel on a Unix socket in the data directory (mode 0600), never on the public
 * port. It lets the CLI work while the server holds the DuckDB file (one opener per file).
 */
export async function startAdminServer(runtime: Runtime, log: Logger): Promise<AdminServer> {
  const socketPath = adminSocketPath(runtime.config.dataDir);
  fs.rmSync(socketPath, { force: true }); // a stale socket from a killed server
  const keyOps = keyAndExportOps(
    new ApiKeyService(runtime.metadata, systemClock),
    runtime.metadata,
    runtime.events,
  );
  const server = http.createServer((request, response) => {
    handle(runtime, keyOps, request, response)
      .then((answer) => {
        if (answer) send(response, answer[0], answer[1]);
      })
      .catch((error: unknown) => {
        if (response.headersSent) return response.destroy();
        if (error instanceof InvalidDomainError) return send(response, 400, { error: error.message });
        if (error instanceof AdminInputError) return send(response, error.status, { error: error.message });
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

/** Answers `[status, json]`, or undefined when it streamed the response itself (export). */
async function handle(
  runtime: Runtime,
  keyOps: KeyOps,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<[number, unknown] | undefined> {
  const url = new URL(request.url ?? '/', 'http://admin');
  const route = `${request.method} ${url.pathname}`;
  switch (route) {
    case 'GET /sites':
      return [200, await runtime.sites.list()];
    case 'POST /sites': {
      const input = JSON.parse(await readBody(request)) as {
        domain: string;
        name?: string;
        timezone?: string;
      };
      return [201, await runtime.sites.add(input.domain, input)];
    }
    case 'GET /refusals': {
      await runtime.refusals.flush();
      const siteId = url.searchParams.get('site') ?? undefined;
      return [200, await runtime.metadata.refusals(url.searchParams.get('from') ?? '0000-00-00', siteId)];
    }
    case 'POST /users':
      return [201, await addUserForAdmin(runtime.accounts, JSON.parse(await readBody(request)))];
    case 'GET /users/deletion-plan':
      return [
        200,
        await userDeletionOps(runtime.accounts).userDeletionPlan(url.searchParams.get('email') ?? ''),
      ];
    case 'POST /users/delete': {
      const { email } = JSON.parse(await readBody(request)) as { email: string };
      return [200, await userDeletionOps(runtime.accounts).deleteUser(String(email))];
    }
    case 'GET /keys':
      return [200, await keyOps.listKeys()];
    case 'POST /keys':
      return [201, await keyOps.createKey(JSON.parse(await readBody(request)))];
    case 'POST /keys/revoke': {
      const { prefix } = JSON.parse(await readBody(request)) as { prefix: string };
      await keyOps.revokeKey(String(prefix));
      return [200, { prefix, revoked: true }];
    }
    case 'GET /export': {
      const exported = await keyOps.exportEvents({
        siteId: url.searchParams.get('site') ?? '',
        from: url.searchParams.get('from') ?? '',
        to: url.searchParams.get('to') ?? '',
        format: (url.searchParams.get('format') ?? '') as ExportFormat,
      });
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'x-export-rows': exported.rows });
      await pipeline(exported.stream, response);
      return undefined;
    }
    default: {
      const proxyKeys = registryProxyKeyOps(runtime.proxyKeys);
      const answer = await answerProxyKeyAdmin(proxyKeys, route, url, () => readBody(request));
      const more = answer ?? (await answerGoalAndFxAdmin(runtime, route, url, () => readBody(request)));
      const members = serviceMemberOps({ ...runtime, listSites: () => runtime.sites.list() });
      const last = more ?? (await answerMemberAdmin(members, route, url, () => readBody(request)));
      return last ?? [404, { error: 'not found' }];
    }
  }
}

async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
