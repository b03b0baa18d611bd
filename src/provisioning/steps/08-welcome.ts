// Welcome: queues the welcome e-mail (once per instance) and sends it at once when the mail server
// answers quickly. Otherwise the outbox keeps trying and the tracking page says the e-mail is on its way:
// a slow mail server never holds the instance back.
import { setTimeout as sleep } from 'node:timers/promises';
import { withTransaction } from '../../db/transaction.ts';
import { getEmail } from '../../mail/outbox.repository.ts';
import { addDeploymentEvent } from '../deployments.repository.ts';
import { ensureDeployed } from './ensure-deployed.ts';
import { initialUsername } from '../stack-variables.ts';
import type { Step } from './step.ts';

const SEND_NOW_MS = 5_000;

export const welcome: Step = {
  name: 'welcome',
  async run(ctx) {
    const { deps, stack, client, subscription, plan, deployment } = ctx;
    // The e-mail says the instance is ready, and so does the end of the deployment: after a platform restart
    // it may still be coming back.
    await ensureDeployed(ctx, { waitHealthy: true });
    const emailId = await withTransaction(deps.pool, (transaction) => deps.mail.queueEmail(transaction, {
      template: 'welcome',
      to: [client.email],
      dedupeKey: `welcome:stack:${stack.id}`,
      params: {
        prenom: client.prenom, entreprise: client.entreprise, url: stack.url ?? '', username: initialUsername(client.prenom),
        planName: plan.name, trialEndsAt: subscription.trialEndsAt?.toISOString() ?? null,
      },
      secrets: { password: { stackId: stack.id, kind: 'initial_password' } },
      clientId: client.id,
      deploymentId: deployment.id,
    }));
    const outcome = await Promise.race([deps.mail.deliver(emailId).catch(() => undefined), sleep(SEND_NOW_MS, 'pending' as const)]);
    if (outcome === 'sent') return 'succeeded';
    // Not sent by us just now: already sent by an earlier run, or on its way through the outbox.
    if ((await getEmail(deps.db, emailId))?.status === 'sent') return 'skipped';
    await addDeploymentEvent(deps.db, { deploymentId: deployment.id, step: 'welcome', code: 'deployment.event.welcomeQueued', params: { email: client.email } });
    return 'succeeded';
  },
};
