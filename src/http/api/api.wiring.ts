// The REST API's graph, built from the platform's shared pieces (composition root: platform.ts).
import type { Logger } from 'pino';
import type { ApiKeysService } from '../../api-keys/api-keys.service.ts';
import { createClientActions } from '../../backoffice/client-actions.service.ts';
import { createDeploymentsBoardService } from '../../backoffice/deployments-board.service.ts';
import { createClientAccounts } from '../../clients/client-accounts.service.ts';
import { createClientErasure } from '../../clients/client-erasure.service.ts';
import { createClientExports } from '../../clients/client-export.service.ts';
import { createClientSubscriptions } from '../../clients/client-subscriptions.service.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import type { Queue } from '../../jobs/queue.ts';
import type { Plan } from '../../plans/plan.ts';
import type { DeploymentEventsHub } from '../../provisioning/deployment-events-hub.ts';
import type { Orchestrator } from '../../provisioning/orchestrator.ts';
import { createSignupService } from '../../signup/signup.service.ts';
import { createSubscriptionChanges } from '../../subscriptions/subscription-changes.service.ts';
import type { Cipher } from '../../vault/index.ts';
import type { ApiDeps } from './api.plugin.ts';
import { createDeploymentsApi } from './deployments-api.service.ts';
import { createIdempotency } from './idempotency.ts';
import { createStackCreation } from './stack-creation.service.ts';
import { createStacksApi } from './stacks-api.service.ts';

export interface ApiWiring {
  config: Pick<Config, 'orchestrator' | 'apiRateLimit' | 'publicUrl'>;
  database: Database;
  queue: Queue;
  plans: readonly Plan[];
  orchestrator: Orchestrator;
  cipher: Cipher;
  hub: DeploymentEventsHub;
  keys: ApiKeysService;
  log: Logger;
}

export function createApiDeps(w: ApiWiring): ApiDeps {
  const { db, pool } = w.database;
  // The API's signups are limited per key by the rate limit plugin, not per IP.
  const signup = createSignupService({ pool, db, queue: w.queue, plans: w.plans, orchestrator: w.config.orchestrator, rateLimitPerHour: 0, log: w.log });
  return {
    keys: w.keys,
    stacks: createStacksApi({ db, pool, queue: w.queue, orchestrator: w.orchestrator }),
    creation: createStackCreation({
      pool, db, queue: w.queue, plans: w.plans, orchestrator: w.config.orchestrator, signup, idempotency: createIdempotency({ db }),
    }),
    deployments: createDeploymentsApi({ db, cipher: w.cipher, board: createDeploymentsBoardService({ db, pool, queue: w.queue }) }),
    clients: {
      accounts: createClientAccounts({ db, pool, plans: w.plans }),
      exports: createClientExports({ db }),
      erasure: createClientErasure({ db, pool, queue: w.queue }),
      subscriptions: createClientSubscriptions({
        db,
        // The dashboard's subscription changes and what follows on the instance. The API never reveals credentials
        // through them (that takes a staff member's own password): no password is confirmed here.
        actions: createClientActions({
          pool, db, queue: w.queue, cipher: w.cipher, accounts: { confirmPassword: async () => false },
          subscriptions: createSubscriptionChanges({ pool, plans: w.plans, now: () => new Date() }),
        }),
      }),
    },
    plans: w.plans,
    hub: w.hub,
    rateLimitPerMinute: w.config.apiRateLimit,
    publicUrl: w.config.publicUrl,
  };
}
