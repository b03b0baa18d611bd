// The embedded SMTP server used when no SMTP_URL is configured: it accepts every message on the loopback
// interface and stores it, so a fresh `npm start` shows the whole journey with real SMTP in between
// (`erpbtp mail list`). Like large mailbox providers, it keeps one copy per Message-ID.
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { SMTPServer } from 'smtp-server';
import type { Db } from '../db/database.ts';
import { storeSinkMessage } from './mail-sink.repository.ts';

const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

export async function startSmtpSink(options: { db: Db; log: Logger; port?: number }): Promise<SmtpSink> {
  const { db, log } = options;
  const server = new SMTPServer({
    // Loopback only, no TLS and no authentication: nothing leaves the machine.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    size: MAX_MESSAGE_BYTES,
    logger: false,
    banner: 'ERP BTP Cloud — serveur SMTP embarqué',
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(Object.assign(new Error('Message trop volumineux'), { responseCode: 552 }));
        const raw = Buffer.concat(chunks);
        // Loaded on the first message: it weighs on start-up, and most runs receive none at first.
        import('mailparser')
          .then(({ simpleParser }) => simpleParser(raw))
          .then(async (parsed) => {
            const from = session.envelope.mailFrom;
            const stored = await storeSinkMessage(db, {
              messageId: parsed.messageId ?? `<sink.${Date.now()}.${Math.random().toString(36).slice(2)}@localhost>`,
              envelopeFrom: from ? from.address : null,
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              subject: parsed.subject ?? '',
              raw: raw.toString('utf8'),
            });
            log.info({ messageId: parsed.messageId, subject: parsed.subject, duplicate: !stored }, 'embedded SMTP server received an e-mail');
            callback(null, stored ? 'Message enregistré' : 'Message déjà reçu');
          })
          // A storage failure is "try again later" for the sender, never a loss.
          .catch((error: unknown) => {
            log.error({ err: error }, 'embedded SMTP server could not store an e-mail');
            callback(Object.assign(new Error('Stockage momentanément indisponible'), { responseCode: 451 }));
          });
      });
    },
  });
  server.on('error', (error) => log.error({ err: error }, 'embedded SMTP server error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  log.info({ port }, 'embedded SMTP server listening (no SMTP_URL): e-mails are kept, see `erpbtp mail list`');
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
