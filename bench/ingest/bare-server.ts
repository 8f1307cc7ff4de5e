import http from 'node:http';

/**
 * Target A, the yardstick: a bare `node:http` server that reads the body, `JSON.parse`s it and
 * answers 202. It is what "doing nothing useful" costs on this machine; the full pipeline's
 * throughput is reported as a fraction of it. Run as its own process by `run.ts`.
 */
const port = Number(process.env.PORT);
const host = process.env.HOST ?? '127.0.0.1';
const maxBodyBytes = 32 * 1024;

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= maxBodyBytes) chunks.push(chunk);
  });
  request.on('end', () => {
    let status = 202;
    let reply = '{"ok":true,"duplicate":false}';
    try {
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (body === null || typeof body !== 'object') throw new Error('not an object');
    } catch {
      status = 400;
      reply = '{"error":{"code":"INVALID_JSON"}}';
    }
    response.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(reply),
    });
    response.end(reply);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, host, () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
