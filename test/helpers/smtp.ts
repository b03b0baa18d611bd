// A real SMTP server for tests: records every delivery (duplicates included, unlike the platform's sink)
// and can be told to answer with an error, or be stopped and started again on the same port.
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  envelopeTo: string[];
  parsed: ParsedMail;
  raw: string;
}

export interface TestSmtpServer {
  url: string;
  received: ReceivedMail[];
  /** Answers every message with this SMTP code and text until reset with undefined. */
  refuseWith(code: number | undefined, text?: string): void;
  /** Stops listening (connections are refused) until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  /** Resolves once `count` messages have been received. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
}

export async function startTestSmtpServer(t: Pick<TestContext, 'after'>): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  let refusal: { code: number; text: string } | undefined;
  let port = 0;
  let server: SMTPServer | undefined;

  async function up(): Promise<void> {
    const s = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      logger: false,
      // Pooled client connections would otherwise keep `close()` waiting for 30 s.
      closeTimeout: 100,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (refusal) return callback(Object.assign(new Error(refusal.text), { responseCode: refusal.code }));
          const raw = Buffer.concat(chunks);
          void simpleParser(raw).then((parsed) => {
            received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), parsed, raw: raw.toString('utf8') });
            callback(null, `queued as test-${received.length}`);
          });
        });
      },
    });
    await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', () => resolve()));
    port = (s.server.address() as AddressInfo).port;
    server = s;
  }

  async function down(): Promise<void> {
    const s = server;
    server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  await up();
  t.after(down);
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuseWith: (code, text = 'refused by the test') => {
      refusal = code === undefined ? undefined : { code, text };
    },
    down,
    up,
    async waitFor(count, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} e-mails, received ${received.length}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return received;
    },
  };
}
