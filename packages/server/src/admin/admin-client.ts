import http from 'node:http';
import type { AccountDeletionPlan } from '../accounts/account-deletion.ts';
import type { User } from '../accounts/types.ts';
import type { RefusalCount, Site } from '../store/types.ts';
import {
  AdminInputError,
  type AdminOps,
  type ApiKeyInfo,
  adminSocketPath,
  type CreatedKeyInfo,
} from './admin-ops.ts';
import { socketFunnelOps } from './funnel-ops.ts';
import { socketFxOps } from './fx-ops.ts';
import { socketGoalOps } from './goal-ops.ts';
import { socketMemberOps } from './member-ops.ts';
import { socketProxyKeyOps } from './proxy-key-ops.ts';

/** Admin operations sent to the running server over its Unix socket. */
export function socketAdminOps(dataDir: string): AdminOps {
  const socketPath = adminSocketPath(dataDir);
  return {
    addSite: (input) => call<Site>(socketPath, 'POST', '/sites', input),
    listSites: () => call<Site[]>(socketPath, 'GET', '/sites'),
    refusals: ({ fromDay, siteId }) => {
      const query = new URLSearchParams({ from: fromDay, ...(siteId ? { site: siteId } : {}) });
      return call<RefusalCount[]>(socketPath, 'GET', `/refusals?${query}`);
    },
    createKey: (input) => call<CreatedKeyInfo>(socketPath, 'POST', '/keys', input),
    listKeys: () => call<ApiKeyInfo[]>(socketPath, 'GET', '/keys'),
    revokeKey: async (prefix) => {
      await call(socketPath, 'POST', '/keys/revoke', { prefix });
    },
    exportEvents: (input) => {
      const query = new URLSearchParams({
        site: input.siteId,
        from: input.from,
        to: input.to,
        format: input.format,
      });
      return new Promise((resolve, reject) => {
        const request = http.request({ socketPath, path: `/export?${query}`, method: 'GET' }, (response) => {
          if (response.statusCode !== 200) {
            readJson(response).then((body) => reject(failure(response.statusCode ?? 500, body)), reject);
            return;
          }
          resolve({ rows: Number(response.headers['x-export-rows'] ?? 0), stream: response });
        });
        request.on('error', reject);
        request.end();
      });
    },
    addUser: (input) => call<User>(socketPath, 'POST', '/users', input),
    userDeletionPlan: (email) =>
      call<AccountDeletionPlan>(socketPath, 'GET', `/users/deletion-plan?${new URLSearchParams({ email })}`),
    deleteUser: (email) => call<AccountDeletionPlan>(socketPath, 'POST', '/users/delete', { email }),
    proxyKeys: socketProxyKeyOps((method, path, body) => call(socketPath, method, path, body)),
    goals: socketGoalOps((method, path, body) => call(socketPath, method, path, body)),
    funnels: socketFunnelOps((method, path, body) => call(socketPath, method, path, body)),
    members: socketMemberOps((method, path, body) => call(socketPath, method, path, body)),
    fx: socketFxOps((method, path, body) => call(socketPath, method, path, body)),
    close: async () => undefined,
  };
}

/** True when a server is listening on the data directory's admin socket. */
export function adminSocketAlive(dataDir: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.request(
      { socketPath: adminSocketPath(dataDir), path: '/sites', method: 'GET' },
      (res) => {
        res.resume();
        resolve(true);
      },
    );
    request.on('error', () => resolve(false));
    request.end();
  });
}

function call<T>(socketPath: string, method: string, path: string, body?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { socketPath, path, method, headers: { 'content-type': 'application/json' } },
      (response) => {
        readJson(response).then((parsed) => {
          const status = response.statusCode ?? 500;
          if (status >= 400) reject(failure(status, parsed));
          else resolve(parsed as T);
        }, reject);
      },
    );
    request.on('error', reject);
    request.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function readJson(response: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** The server's refusal as the same error type direct mode throws. */
function failure(status: number, body: unknown): Error {
  const message = (body as { error?: string } | null)?.error ?? 'admin request failed';
  return status < 500 ? new AdminInputError(message, status) : new Error(message);
}
