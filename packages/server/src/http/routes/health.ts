import type { FastifyInstance } from 'fastify';

export interface HealthSource {
  queueLength(): number;
}

/** Liveness and a glance at the writer's backlog; no data, nothing sensitive. */
export function registerHealthRoute(app: FastifyInstance, source: HealthSource): void {
  app.get('/healthz', async (_request, reply) => {
    reply.header('Cache-Control', 'no-store');
    return { status: 'ok', writer_queue: source.queueLength() };
  });
}
