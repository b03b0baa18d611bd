// GET /health, for the platform's probes and the orchestrators' health checks. No authentication.
// 200 only when the database answers and the boot work (schema, initial user) is done.
import type { FastifyInstance } from 'fastify';
import type { Queryable } from './db/pool.ts';

export async function healthRoutes(app: FastifyInstance, deps: { db: Queryable; isBootstrapped: () => boolean }): Promise<void> {
  app.get('/health', { logLevel: 'warn' }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (!deps.isBootstrapped()) return reply.code(503).send({ status: 'starting' });
    try {
      await deps.db.query('SELECT 1');
      return { status: 'ok' };
    } catch (err) {
      request.log.warn({ err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'health: database unavailable');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
}
