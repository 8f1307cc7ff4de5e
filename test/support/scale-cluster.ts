import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.ts';

/**
 * nginx as the load balancer in front of ingest nodes: the upstream of docs/scale-out.md,
 * round robin, passing the client address on in X-Forwarded-For.
 */
export async function startNginxBalancer(
  upstreams: readonly number[],
): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-lb-'));
  fs.chmodSync(dir, 0o755); // workers may run as another user when the test runs as root
  const port = await freePort();
  const conf = `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream zenovay {
${upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=10s;`).join('\n')}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://zenovay;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }
}
`;
  const confFile = path.join(dir, 'nginx.conf');
  fs.writeFileSync(confFile, conf);
  execFileSync('/usr/sbin/nginx', ['-t', '-q', '-p', dir, '-e', `${dir}/error.log`, '-c', confFile]);
  const child: ChildProcess = spawn(
    '/usr/sbin/nginx',
    ['-p', dir, '-e', `${dir}/error.log`, '-c', confFile, '-g', 'daemon off;'],
    { stdio: 'ignore' },
  );
  await waitForPort(port);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

/**
 * The client address of request `i`: 4,096 addresses of the benchmarking range 198.18.0.0/15, so
 * a long steady load stays far below the per-address limit (60 per 10 s, 5,000 per hour) and
 * refusals can only come from the spool or the service, never from rate limiting.
 */
function clientAddress(i: number): string {
  return `198.18.${(i >> 8) % 16}.${i % 256}`;
}

export interface LoadResult {
  /** Event ids the service acknowledged (2xx). */
  readonly acked: Set<string>;
  /** Status codes seen, by count ('error' for a failed connection). */
  readonly statuses: Map<string, number>;
}

/**
 * A steady, bounded load: `workers` loops posting pageviews with unique event ids from many client
 * addresses until `stop()` resolves or `maxRequests` were sent. Only loopback targets.
 */
export function runLoad(options: {
  url: string;
  trackingCode: string;
  prefix: string;
  workers?: number;
  maxRequests?: number;
  event: (n: number) => Record<string, unknown>;
}): { stop(): Promise<LoadResult>; sent(): number } {
  const acked = new Set<string>();
  const statuses = new Map<string, number>();
  let n = 0;
  let stopped = false;
  const max = options.maxRequests ?? 20_000;
  const worker = async () => {
    while (!stopped && n < max) {
      const i = n++;
      const eventId = `${options.prefix}-${i}`;
      let status: string;
      try {
        const response = await fetch(`${options.url}/e/${options.trackingCode}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': clientAddress(i) },
          body: JSON.stringify({ ...options.event(i), event_id: eventId }),
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        status = String(response.status);
        if (response.ok) acked.add(eventId);
        else if (response.status === 503) await new Promise((resolve) => setTimeout(resolve, 100));
      } catch {
        status = 'error';
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  const running = Promise.all(Array.from({ length: options.workers ?? 4 }, worker));
  return {
    sent: () => n,
    stop: async () => {
      stopped = true;
      await running;
      return { acked, statuses };
    },
  };
}
