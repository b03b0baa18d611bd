// Starts e-mail delivery in a worker process: SMTP from SMTP_URL, or the embedded SMTP sink when it is
// unset, and the outbox worker over it.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { Queue } from '../jobs/queue.ts';
import { createMailDelivery, type MailDelivery, type MailDeliveryDeps } from './mail-delivery.ts';
import { createMailTransport } from './mail-transport.ts';
import { startMailWorker } from './mail.jobs.ts';
import { startSmtpSink } from './smtp-sink.ts';

const RETRY_BASE_MS = 2_000;

export interface MailDeliveryService {
  delivery: MailDelivery;
  stop(): Promise<void>;
}

export async function startMailDelivery(options: {
  config: Config;
  db: Db;
  queue: Pick<Queue, 'work'>;
  log: Logger;
  resolveSecret: MailDeliveryDeps['resolveSecret'];
  onSent: MailDeliveryDeps['onSent'];
  onFailed?: MailDeliveryDeps['onFailed'];
}): Promise<MailDeliveryService> {
  const { config, db, log } = options;
  const sink = config.smtpUrl ? undefined : await startSmtpSink({ db, log });
  const transport = createMailTransport(config.smtpUrl ?? sink!.url);
  const delivery = createMailDelivery({
    db, transport, log, resolveSecret: options.resolveSecret, onSent: options.onSent, onFailed: options.onFailed,
    settings: {
      from: config.mailFrom,
      supportEmail: config.supportEmail,
      retryBaseMs: RETRY_BASE_MS,
      retryMaxMs: config.mailRetryMaxSeconds * 1000,
      leaseMs: config.mailSendLeaseSeconds * 1000,
      killAfterSent: config.faultKillAfterMailSent,
    },
  });
  const worker = await startMailWorker(options.queue, delivery, log);
  return {
    delivery,
    async stop() {
      await worker.stop();
      transport.close();
      await sink?.close();
    },
  };
}
