import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from '../errors.ts';
import { setDashboardSecurityHeaders } from './security-headers.ts';

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Paths the single-page app handles itself; each gets index.html. */
const appPaths = ['/', '/login', '/setup', '/account', '/sites', '/sites/*', '/share/*', '/invite/*'];

interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
}

/** Reads the built assets once: a few hundred KB, served from memory with no disk access per hit. */
function loadAssets(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const assetsDir = path.join(dir, 'assets');
  if (!fs.existsSync(assetsDir)) return files;
  for (const name of fs.readdirSync(assetsDir)) {
    const type = contentTypes[path.extname(name)];
    if (type) files.set(name, { body: fs.readFileSync(path.join(assetsDir, name)), type });
  }
  return files;
}

const notBuiltPage = `<!doctype html><meta charset="utf-8"><title>Zenovay</title>
<p>The dashboard is not built. Run <code>npm run build -w @zenovay/dashboard</code> (or <code>npm install</code>,
which builds it) and restart the server.</p>`;

/**
 * Serves the built dashboard: index.html on the app's paths, hashed assets under /assets with a
 * year of caching (a new build has new names). Nothing is read from outside the build folder:
 * asset names are looked up in a map, never joined onto a path.
 */
export function registerStaticRoutes(
  app: FastifyInstance,
  staticDir: string,
  isPublicSite: (domain: string) => Promise<boolean> = async () => false,
): void {
  const indexPath = path.join(staticDir, 'index.html');
  const index = fs.existsSync(indexPath) ? fs.readFileSync(indexPath) : null;
  const assets = loadAssets(staticDir);

  const sendIndex = async (_request: unknown, reply: FastifyReply) => {
    setDashboardSecurityHeaders(reply);
    reply.header('Cache-Control', 'no-store');
    if (!index) return reply.code(503).type('text/html; charset=utf-8').send(notBuiltPage);
    return reply.type('text/html; charset=utf-8').send(index);
  };
  for (const appPath of appPaths) app.get(appPath, sendIndex);
  // A public site's dashboard at `/<domain>`; other one-segment paths answer as before (404).
  app.get<{ Params: { domain: string } }>('/:domain', async (request, reply) => {
    if (!(await isPublicSite(request.params.domain))) throw new ApiError('NOT_FOUND');
    return sendIndex(request, reply);
  });

  app.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
    const file = assets.get(request.params.name);
    if (!file) throw new ApiError('NOT_FOUND');
    setDashboardSecurityHeaders(reply);
    reply.header('Cache-Control', 'public, max-age=31536000, immutable');
    return reply.type(file.type).send(file.body);
  });
}
