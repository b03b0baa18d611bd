// The worker side of the outbox: a job per queued e-mail wakes a worker at once; a timer set to the
// next due e-mail (at most every 30 s) picks up retries and e-mails whose worker died mid-send.
import type { Logger } from 'pino';
import type { Queue } from '../jobs/queue.ts';
import type { MailDelivery } from './mail-delivery.ts';

const MAX_IDLE_MS = 30_000;

export async function startMailWorker(queue: Pick<Queue, 'work'>, delivery: MailDelivery, log: Logger): Promise<{ stop(): Promise<void> }> {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const drain = async (): Promise<void> => {
    try {
      await delivery.deliverDue();
    } catch (error) {
      log.error({ err: error }, 'e-mail delivery round failed');
    }
  };

  async function schedule(): Promise<void> {
    if (stopped) return;
    const next = await delivery.nextDue().catch(() => undefined);
    const wait = next ? Math.min(MAX_IDLE_MS, Math.max(50, next.getTime() - Date.now())) : MAX_IDLE_MS;
    clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(() => {
      running = drain().then(schedule);
    }, wait);
    timer.unref();
  }

  await queue.work('mail.deliver', { concurrency: 2 }, async () => {
    await drain();
    await schedule();
  });
  // E-mails left due by a previous run go out now.
  running = drain().then(schedule);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
