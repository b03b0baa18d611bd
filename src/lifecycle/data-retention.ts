// Personal data is kept no longer than the privacy policy says (« Durées de conservation », /confidentialite):
// - a prospect's or former client's data, 3 years after the last exchange: nothing under way (no trial, no
//   contract, no instance) and nothing new (subscription, trial end, contact message) for 3 years → the client is
//   erased as by the API's RGPD erasure (anonymised, the accounting record kept), audited as the platform;
// - contact messages, 3 years after they came;
// - the embedded SMTP server's inbox (development only; it holds welcome e-mails with passwords), 30 days.
// Each part is idempotent: a run repeated, or interrupted, does what is left.
import type pg from 'pg';
import { SYSTEM_ACTOR } from '../audit/actor.ts';
import { createClientErasure } from '../clients/client-erasure.service.ts';
import { listDormantClients } from '../clients/clients.repository.ts';
import { deleteContactMessagesBefore } from '../contact/contact.repository.ts';
import type { Db } from '../db/database.ts';
import type { Queue } from '../jobs/queue.ts';
import { deleteSinkMessagesBefore } from '../mail/mail-sink.repository.ts';
import type { Attempt, LifecycleReport } from './lifecycle.types.ts';

const PERSONAL_DATA_YEARS = 3;
const MAIL_SINK_DAYS = 30;
/** Erasures per run: a backlog (a first run on an old database) is worked off over the following days. */
const ERASURES_PER_RUN = 200;

export function createDataRetention(deps: { pool: pg.Pool; db: Db; queue: Pick<Queue, 'send'> }) {
  const erasure = createClientErasure(deps);

  async function run(now: Date, report: LifecycleReport, attempt: Attempt): Promise<void> {
    const before = new Date(now);
    before.setUTCFullYear(before.getUTCFullYear() - PERSONAL_DATA_YEARS);
    for (const clientId of await listDormantClients(deps.db, before, ERASURES_PER_RUN)) {
      await attempt('retention erasure', { clientId }, async () => {
        await erasure.erase(SYSTEM_ACTOR, clientId, now); // erased at the run's instant, like all it does
        report.erased.push(clientId);
      });
    }
    await attempt('retention purge', {}, async () => {
      report.purged.contactMessages += await deleteContactMessagesBefore(deps.db, before);
      report.purged.sinkMessages += await deleteSinkMessagesBefore(deps.db, new Date(now.getTime() - MAIL_SINK_DAYS * 86_400_000));
    });
  }

  return { run };
}
