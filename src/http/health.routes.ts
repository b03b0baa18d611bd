// Liveness and readiness for load balancers and orchestrators.
import type { FastifyInstance } from 'fastify';

export interface Readiness {
  database: boolean;
  migrations: boolean;
  queue: boolean;
}

export async function healthRoutes(app: FastifyInstance, opts: { readiness: () => Promise<Readiness> }) {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const checks = await opts.readiness();
    const ready = checks.database && checks.migrations && checks.queue;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
  });
}
