// E-mail outbox throughput to a local SMTP server (a second process would only add noise: the server
// here is a minimal smtp-server that counts messages by Message-ID).
// 1. Delivery: 1,000 e-mails already in the outbox (one transaction, one wake-up job), sent by the
//    worker role: messages per second, beside the baseline of nodemailer sending the same 1,000
//    rendered messages directly over the same pooled connections (no database, no retries), same run.
//    Then end to end: 1,000 e-mails queued as the platform queues them (outbox row + job, one
//    transaction each, 8 producers), until all are sent.
// 2. The same with the SMTP server down for 30 s, then back: all delivered, none duplicated, and how
//    long after the server came back.
// Usage: npm run bench:mail [-- count] [-- downSeconds]
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { withTransaction } from '../src/db/transaction.ts';
import { startQueue } from '../src/jobs/queue.ts';
import { renderEmail } from '../src/mail/mail-templates.ts';
import { createMailTransport } from '../src/mail/mail-transport.ts';
import { createEmailQueuer } from '../src/mail/outbox.ts';
import pino from 'pino';
import { startBenchPlatform } from './lib/platform.ts';

const count = Number(process.argv[2] ?? 1000);
const downSeconds = Number(process.argv[3] ?? 30);

/** Counts messages per Message-ID; can be stopped and restarted on the same port. */
function countingServer() {
  const seen = new Map<string, number>();
  let server: SMTPServer | undefined;
  let port = 0;
  return {
    seen,
    get url() { return `smtp://127.0.0.1:${port}`; },
    received: () => [...seen.values()].reduce((a, b) => a + b, 0),
    async up() {
      server = new SMTPServer({
        disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true, logger: false, closeTimeout: 100,
        onData(stream, _session, callback) {
          let head = '';
          stream.on('data', (chunk: Buffer) => { if (head.length < 8192) head += chunk.toString('latin1'); });
          stream.on('end', () => {
            const id = /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1] ?? `none-${Math.random()}`;
            seen.set(id, (seen.get(id) ?? 0) + 1);
            callback(null, 'OK');
          });
        },
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', () => resolve()));
      port = (server.server.address() as { port: number }).port;
    },
    async down() {
      const s = server;
      server = undefined;
      await new Promise<void>((resolve) => s?.close(() => resolve()));
    },
  };
}

const params = (n: number) => ({
  nom: `Client ${n}`, email: `client${n}@exemple.fr`, entreprise: 'Bâti & Fils', telephone: null, sujet: 'Demande d’information',
  message: 'Bonjour,\nje souhaite un devis pour 25 utilisateurs.', receivedAt: new Date().toISOString(),
});

/** All in one transaction: measures delivery alone, not the producers. */
async function queueAtOnce(databaseUrl: string, label: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const queue = await startQueue(databaseUrl, pino({ level: 'warn' }));
  const queueEmail = createEmailQueuer({ queue: { send: async () => null }, messageDomain: 'bench.erp-btp.test' });
  try {
    await withTransaction(pool, async (tx) => {
      for (let n = 0; n < count; n++) {
        await queueEmail(tx, { template: 'contact-forward', to: ['commercial@erp-btp.fr'], dedupeKey: `${label}:${n}`, params: params(n) });
      }
      await queue.send('mail.deliver', { emailId: 0 }, { db: tx.sql });
    });
  } finally {
    await queue.stop();
    await pool.end();
  }
}

async function queueAll(databaseUrl: string, label: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
  const queue = await startQueue(databaseUrl, pino({ level: 'warn' }));
  const queueEmail = createEmailQueuer({ queue, messageDomain: 'bench.erp-btp.test' });
  try {
    const ids = Array.from({ length: count }, (_, n) => n);
    // 8 producers, as concurrent web requests would be.
    await Promise.all(Array.from({ length: 8 }, async (_, w) => {
      for (const n of ids.filter((i) => i % 8 === w)) {
        await withTransaction(pool, (tx) => queueEmail(tx, {
          template: 'contact-forward', to: ['commercial@erp-btp.fr'], replyTo: `client${n}@exemple.fr`, dedupeKey: `${label}:${n}`, params: params(n),
        }));
      }
    }));
  } finally {
    await queue.stop();
    await pool.end();
  }
}

async function waitSent(databaseUrl: string, label: string, total: number): Promise<void> {
  const sql = new pg.Client({ connectionString: databaseUrl });
  await sql.connect();
  try {
    for (;;) {
      const { rows: [r] } = await sql.query(`select count(*)::int as n from email_outbox where status = 'sent' and dedupe_key like $1`, [`${label}:%`]);
      if (r.n >= total) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await sql.end();
  }
}

const smtp = countingServer();
await smtp.up();

// Baseline: nodemailer alone, same rendered messages, same pool size.
const transport = createMailTransport(smtp.url);
const baselineStart = performance.now();
await Promise.all(Array.from({ length: count }, (_, n) => {
  const rendered = renderEmail('contact-forward', { ...params(n), supportEmail: 'support@erp-btp.fr' });
  return transport.send({ from: 'ERP BTP Cloud <ne-pas-repondre@erp-btp.fr>', to: ['commercial@erp-btp.fr'], messageId: `<baseline.${n}@bench>`, ...rendered });
}));
const baselineRate = count / ((performance.now() - baselineStart) / 1000);
transport.close();
smtp.seen.clear();

const platform = await startBenchPlatform({ SMTP_URL: smtp.url }, { web: false, worker: true });
try {
  const deliveryStart = performance.now();
  await queueAtOnce(platform.databaseUrl, 'bulk');
  await waitSent(platform.databaseUrl, 'bulk', count);
  const rate = count / ((performance.now() - deliveryStart) / 1000);
  console.log(`delivery of ${count} queued e-mails, server accepting: ${rate.toFixed(0)} e-mails/s`);
  console.log(`baseline, nodemailer alone over the same pool: ${baselineRate.toFixed(0)} e-mails/s; outbox/baseline ratio ${(rate / baselineRate).toFixed(2)}`);
  console.log(`received ${smtp.received()}, distinct Message-IDs ${smtp.seen.size}, duplicates ${smtp.received() - smtp.seen.size}`);

  smtp.seen.clear();
  const start = performance.now();
  await queueAll(platform.databaseUrl, 'up');
  const queuedAt = performance.now();
  await waitSent(platform.databaseUrl, 'up', count);
  const seconds = (performance.now() - start) / 1000;
  console.log(`end to end, ${count} e-mails each queued in its own transaction by 8 producers: ${(count / seconds).toFixed(0)} e-mails/s (queued in ${((queuedAt - start) / 1000).toFixed(2)} s, all sent ${seconds.toFixed(2)} s after the first); duplicates ${smtp.received() - smtp.seen.size}`);

  smtp.seen.clear();
  await smtp.down();
  const downAt = performance.now();
  await queueAll(platform.databaseUrl, 'down');
  await new Promise((r) => setTimeout(r, Math.max(0, downSeconds * 1000 - (performance.now() - downAt))));
  await smtp.up();
  const backAt = performance.now();
  await waitSent(platform.databaseUrl, 'down', count);
  const after = (performance.now() - backAt) / 1000;
  console.log(`${count} e-mails queued while the server was down for ${downSeconds} s: all sent ${after.toFixed(1)} s after it came back; received ${smtp.received()}, distinct ${smtp.seen.size}, duplicates ${smtp.received() - smtp.seen.size}, lost ${count - smtp.seen.size}`);
} finally {
  await platform.stop();
  await smtp.down();
}
