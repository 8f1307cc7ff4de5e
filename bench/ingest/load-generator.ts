import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { LoadPlan, LoadResult } from './protocol.ts';
import { sourceAddress } from './protocol.ts';

/**
 * The load generator, run as its own process (forked by `run.ts`) so it never shares an event loop
 * with the server it measures. It speaks minimal HTTP/1.1 over raw sockets, one request in flight
 * per keep-alive connection, which costs far less CPU than `http.Agent` and so leaves more of the
 * shared cores to the target. Each connection binds its own 127.x.y.z source address and moves to
 * a fresh one after `requestsPerAddress` requests, so the per-IP rate limit is never what caps it.
 * With `ratePerSecond` the load is open-loop (see protocol.ts).
 */

const headerEnd = Buffer.from('\r\n\r\n');
const contentLengthPattern = /\r\ncontent-length:[ \t]*(\d+)/i;
const connectionClosePattern = /\r\nconnection:[ \t]*close/i;

/** A pageview shaped like the spec's example, with a different page and session every time. */
function eventBody(n: number): string {
  const page = n % 500;
  const session = `bench-${(n >>> 4).toString(36).padStart(8, '0')}`;
  return JSON.stringify({
    event_type: 'pageview',
    url: `https://bench.example/products/widget-${page}?utm_source=bench&utm_medium=load`,
    referrer: 'https://google.com/search',
    session_id: session,
    device_type: 'server',
    browser: 'server',
    os: 'Linux',
    user_agent: 'MyApp-Server/1.0',
  });
}

export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const hostHeader = `${plan.host}:${plan.port}`;
  const startedAt = performance.now();
  const measureFrom = startedAt + plan.warmupMs;
  const measureUntil = measureFrom + plan.durationMs;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let requests = 0;
  let accepted2xxTotal = 0;
  let socketErrors = 0;
  let nextAddress = plan.firstAddress;
  let nextEvent = 0;
  // Open loop: each connection is due every `interval` ms; connections start spread over one interval.
  const interval = plan.ratePerSecond ? (plan.connections * 1000) / plan.ratePerSecond : 0;
  let opened = 0;
  let stopping = false;
  let open = 0;
  let finished: () => void = () => undefined;
  const allClosed = new Promise<void>((resolve) => {
    finished = resolve;
  });

  let carriedDue: number | undefined;
  const openConnection = (): void => {
    const localAddress = sourceAddress(nextAddress++);
    const socket = net.connect({ host: plan.host, port: plan.port, localAddress });
    socket.setNoDelay(true);
    open++;
    let pending: Buffer = Buffer.alloc(0);
    let sentAt = 0;
    let sentHere = 0;
    // A successor connection keeps its predecessor's schedule (set by `openConnection`'s caller).
    let dueAt = carriedDue ?? startedAt + (interval * opened++) / plan.connections;
    carriedDue = undefined;
    let inFlight = false;
    let replaced = false;

    const replace = () => {
      // Open the successor once; 'error' and 'close' can both arrive for one socket.
      if (replaced) return;
      replaced = true;
      if (!stopping && performance.now() < measureUntil) {
        carriedDue = dueAt;
        openConnection();
      }
    };

    /** Closed loop: send now. Open loop: send when due (timed from then, even if late). */
    const sendWhenDue = () => {
      if (interval === 0) return send();
      const wait = dueAt - performance.now();
      if (wait > 0.5) setTimeout(send, wait);
      else send();
    };

    const send = () => {
      if (stopping || socket.destroyed) return;
      const body = eventBody(nextEvent++);
      const now = performance.now();
      sentAt = interval === 0 ? now : Math.min(now, dueAt);
      dueAt += interval;
      sentHere++;
      inFlight = true;
      socket.write(
        `POST ${plan.path} HTTP/1.1\r\nHost: ${hostHeader}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    };

    socket.on('connect', () => {
      if (stopping || performance.now() >= measureUntil) socket.end();
      else sendWhenDue();
    });
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const end = pending.indexOf(headerEnd);
      if (end < 0) return;
      const head = pending.toString('latin1', 0, end);
      const length = Number(contentLengthPattern.exec(head)?.[1] ?? 0);
      const total = end + headerEnd.length + length;
      if (pending.length < total) return;
      pending = pending.subarray(total);
      inFlight = false;
      const now = performance.now();
      const status = head.slice(9, 12);
      if (status.startsWith('2')) accepted2xxTotal++;
      if (now >= measureFrom && now < measureUntil) {
        requests++;
        statuses[status] = (statuses[status] ?? 0) + 1;
        latencies.push(now - sentAt);
      }
      const serverCloses = connectionClosePattern.test(head);
      if (stopping || now >= measureUntil) socket.end();
      else if (serverCloses || sentHere >= plan.requestsPerAddress) {
        socket.end();
        replace();
      } else sendWhenDue();
    });
    socket.on('error', () => {
      socketErrors++;
      socket.destroy();
    });
    socket.on('close', () => {
      open--;
      if (inFlight) replace(); // the server dropped us mid-request; carry on from a new address
      if (open === 0 && (stopping || performance.now() >= measureUntil)) finished();
    });
  };

  let cpuAtStart = process.cpuUsage();
  let generatorCpuMs = 0;
  setTimeout(() => {
    cpuAtStart = process.cpuUsage();
  }, plan.warmupMs);
  setTimeout(() => {
    const used = process.cpuUsage(cpuAtStart);
    generatorCpuMs = (used.user + used.system) / 1000;
  }, plan.warmupMs + plan.durationMs);

  for (let i = 0; i < plan.connections; i++) openConnection();
  await new Promise((resolve) => setTimeout(resolve, plan.warmupMs + plan.durationMs + 1));
  // Let requests in flight get their answer (their 2xx count towards "stored vs 2xx"), then stop.
  const grace = setTimeout(() => {
    stopping = true;
    finished();
  }, 10_000);
  await allClosed;
  clearTimeout(grace);
  stopping = true;

  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requests,
    durationMs: plan.durationMs,
    statuses,
    p50Ms: at(0.5),
    p90Ms: at(0.9),
    p99Ms: at(0.99),
    maxMs: latencies[latencies.length - 1] ?? 0,
    accepted2xxTotal,
    socketErrors,
    generatorCpuMs,
    addressesUsed: nextAddress - plan.firstAddress,
  };
}

// Forked by run.ts: take one plan over IPC, run it, send the result back and exit.
if (process.send) {
  process.once('disconnect', () => process.exit(0)); // the driver is gone: stop loading the target
  process.once('message', (plan: LoadPlan) => {
    runLoad(plan).then(
      (result) => process.send!(result, () => process.exit(0)),
      (error: unknown) => {
        process.stderr.write(`load generator failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  });
}
