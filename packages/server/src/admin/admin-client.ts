import http from 'node:http';
import type { RefusalCount, Site } from '../store/types.ts';
import { type AdminOps, adminSocketPath } from './admin-ops.ts';

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
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as T & { error?: string };
          if ((response.statusCode ?? 500) >= 400) reject(new Error(parsed.error ?? 'admin request failed'));
          else resolve(parsed);
        });
      },
    );
    request.on('error', reject);
    request.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
