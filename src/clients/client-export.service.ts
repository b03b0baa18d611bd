// GET /api/v1/clients/{id}/export: the RGPD right of access. Every piece of personal data the platform holds about
// the client, in one document: its contact details, its consents, subscriptions, instances (never a secret: no
// credential, token or hash), deployments, the e-mails sent (their subject and dates, never a body: a welcome
// e-mail's holds the initial password), the usage its instances reported, its contact messages and what the audit
// log says about it. Reading it is itself audited.
import type { Actor } from '../audit/actor.ts';
import { type AuditEntry, recordAudit } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';
import { renderEmail } from '../mail/mail-templates.ts';
import type { StackRow } from '../provisioning/stacks.repository.ts';
import { requireScope } from '../staff/access.ts';
import type { SubscriptionRow } from '../subscriptions/subscriptions.repository.ts';
import { liveClient } from './client-errors.ts';
import { listClientAudit, listClientDeployments, listClientUsage, listContactMessagesFrom, listEmailsOfClient } from './client-export.repository.ts';
import { type ClientRow, knownAddresses, listClientStacks, listClientSubscriptions } from './clients.repository.ts';

type Rows<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

export interface ClientExport {
  exportedAt: Date;
  client: ClientRow;
  subscriptions: SubscriptionRow[];
  stacks: StackRow[];
  deployments: Rows<typeof listClientDeployments>;
  emails: (Omit<Rows<typeof listEmailsOfClient>[number], 'params'> & { subject: string | null })[];
  usage: Rows<typeof listClientUsage>;
  contactMessages: Rows<typeof listContactMessagesFrom>;
  audit: AuditEntry[];
}

/** An e-mail's subject, rendered from its stored parameters (send-time ones, secrets among them, left empty). */
function subjectOf(template: string, params: Record<string, unknown>): string | null {
  try {
    return renderEmail(template, { ...params, password: '', supportEmail: '' }).subject;
  } catch {
    return null;
  }
}

export function createClientExports(deps: { db: Db; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());

  async function exportClient(actor: Actor, id: number): Promise<ClientExport> {
    requireScope(actor, 'clients:read');
    const client = await liveClient(deps.db, id);
    const addresses = await knownAddresses(deps.db, client);
    const [subscriptions, stacks, deployments, emails, usage, contactMessages, audit] = await Promise.all([
      listClientSubscriptions(deps.db, id), listClientStacks(deps.db, id), listClientDeployments(deps.db, id), listEmailsOfClient(deps.db, id, addresses),
      listClientUsage(deps.db, id), listContactMessagesFrom(deps.db, addresses), listClientAudit(deps.db, id),
    ]);
    await recordAudit(deps.db, actor, { action: 'client.exported', target: { type: 'client', id }, clientId: id });
    return {
      exportedAt: now(), client, subscriptions, stacks, deployments, usage, contactMessages, audit,
      emails: emails.map(({ params, ...email }) => ({ ...email, subject: subjectOf(email.template, params) })),
    };
  }

  return { exportClient };
}

export type ClientExports = ReturnType<typeof createClientExports>;
