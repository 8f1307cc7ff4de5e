import net from 'node:net';

/**
 * A free TCP port on 127.0.0.1 below 32768. The kernel's ephemeral range (where port 0 would land)
 * starts at 32768 and collides with outgoing sockets, so tests pick from a lower range.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * 22_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port found below 32768');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
