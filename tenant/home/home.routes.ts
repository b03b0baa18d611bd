// The dashboard.
import type { FastifyInstance } from 'fastify';
import type { PageEnv } from '../auth/guard.ts';
import { currentUser, pageContext } from '../auth/guard.ts';
import type { ChantiersService } from '../chantiers/chantiers.service.ts';
import type { TenantConfig } from '../config.ts';
import type { PlatformClient } from '../platform/platform.client.ts';
import { homePage } from '../views/home.views.ts';

const PLAN_NAMES: Record<string, string> = { essai: 'Essai', starter: 'Starter', pro: 'Pro', enterprise: 'Enterprise' };

export async function homeRoutes(
  app: FastifyInstance,
  deps: { config: TenantConfig; platform: PlatformClient; chantiers: ChantiersService; pageEnv: PageEnv },
): Promise<void> {
  app.get('/', async (request, reply) => {
    const user = currentUser(request);
    // The subscription is awaited here (bounded by the client's timeout) so the page shows fresh figures;
    // other pages only peek at the cache.
    const [subscription, chantiers] = await Promise.all([deps.platform.getSubscription(), deps.chantiers.countByStatus(user)]);
    const ctx = { ...pageContext(request, reply, deps.pageEnv), subscription };
    return reply.type('text/html').send(
      homePage(ctx, {
        clientNumber: deps.config.clientNumber,
        fallbackPlanName: PLAN_NAMES[deps.config.plan] ?? deps.config.plan,
        subscription,
        chantiers,
      }),
    );
  });
}
