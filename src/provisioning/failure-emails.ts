// When a creation fails for good: a reassuring e-mail to the prospect (once per deployment, without technical
// detail). The staff learn it from the `deployment_failed` alert the saga opens in the same transaction (e-mail to
// ADMIN_EMAILS and webhooks, reminders, recovery notice): one message, not two. The `deployment-failed-staff`
// template stays known so that e-mails queued before this change are still sent.
import type { Transaction } from '../db/transaction.ts';
import type { StepContext } from './steps/step.ts';

export async function queueFailureEmails(transaction: Transaction, { deps, client, deployment }: StepContext): Promise<void> {
  if (deployment.kind !== 'create') return;
  await deps.mail.queueEmail(transaction, {
    template: 'deployment-failed-client',
    to: [client.email],
    dedupeKey: `deployment-failed:client:${deployment.id}`,
    params: { prenom: client.prenom, entreprise: client.entreprise },
    clientId: client.id,
    deploymentId: deployment.id,
  });
}
