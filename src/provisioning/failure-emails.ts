// When a deployment fails for good: a reassuring e-mail to the prospect (once per deployment, without
// technical detail) and the details to the staff (once per attempt, so a failed retry is told too).
import type { Transaction } from '../db/transaction.ts';
import type { StepContext } from './steps/step.ts';

export async function queueFailureEmails(
  transaction: Transaction, { deps, client, stack, deployment }: StepContext, error: string, step: string | undefined,
): Promise<void> {
  const ids = { clientId: client.id, deploymentId: deployment.id };
  if (deployment.kind === 'create') {
    await deps.mail.queueEmail(transaction, {
      template: 'deployment-failed-client',
      to: [client.email],
      dedupeKey: `deployment-failed:client:${deployment.id}`,
      params: { prenom: client.prenom, entreprise: client.entreprise },
      ...ids,
    });
  }
  if (deps.mail.adminEmails.length === 0) return;
  await deps.mail.queueEmail(transaction, {
    template: 'deployment-failed-staff',
    to: [...deps.mail.adminEmails],
    dedupeKey: `deployment-failed:staff:${deployment.id}:${deployment.attempt}`,
    params: { entreprise: client.entreprise, email: client.email, stack: stack.name, deploymentId: deployment.id, step: step ?? '—', error },
    ...ids,
  });
}
