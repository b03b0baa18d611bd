// GET /metrics (Prometheus text format), for a scraper holding METRICS_TOKEN as a bearer token.
// Without METRICS_TOKEN the route does not exist: metrics say a lot about the business.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { PlatformMetrics } from '../metrics/metrics.ts';

const digest = (text: string) => createHash('sha256').update(text).digest();

export async function metricsRoutes(app: FastifyInstance, deps: { metrics: PlatformMetrics; token: string | undefined }): Promise<void> {
  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.http.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: reply.statusCode }, reply.elapsedTime / 1000);
  });
  const token = deps.token;
  if (!token) return;
  app.get('/metrics', async (request, reply) => {
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    // Compared as digests: equal lengths, and no timing hint about the token.
    if (!timingSafeEqual(digest(given), digest(token))) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').type('text/plain; charset=utf-8').send('Jeton METRICS_TOKEN manquant ou invalide.\n');
    }
    return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
}
