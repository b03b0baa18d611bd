// SMTP delivery through nodemailer: pooled connections, STARTTLS when the server offers it, short
// timeouts, and the one decision that matters for the outbox: try again later, or give up.
import nodemailer from 'nodemailer';

export interface OutgoingMessage {
  from: string;
  to: string[];
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  /** Ours, stable across attempts, so that a resent message is recognised as the same one. */
  messageId: string;
  headers?: Record<string, string>;
}

export interface MailTransport {
  /** Resolves with the server's acceptance response; rejects with a `MailDeliveryError`. */
  send(message: OutgoingMessage): Promise<string>;
  close(): void;
}

/** `permanent`: the server refused this message for good (5xx); anything else is worth another attempt. */
export class MailDeliveryError extends Error {
  readonly permanent: boolean;
  constructor(message: string, permanent: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MailDeliveryError';
    this.permanent = permanent;
  }
}

export function createMailTransport(smtpUrl: string, options: { maxConnections?: number } = {}): MailTransport {
  const url = new URL(smtpUrl);
  const transporter = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port) || (url.protocol === 'smtps:' ? 465 : 587),
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    pool: true,
    maxConnections: options.maxConnections ?? 5,
    maxMessages: 100,
    // Fail fast: the outbox retries, and a worker must not hold an e-mail for minutes.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(message) {
      try {
        const info = await transporter.sendMail(message);
        return String(info.response ?? '');
      } catch (error) {
        throw toDeliveryError(error);
      }
    },
    close: () => transporter.close(),
  };
}

function toDeliveryError(error: unknown): MailDeliveryError {
  const err = error as { message?: string; code?: string; responseCode?: number; response?: string };
  const reason = err.response ?? err.message ?? String(error);
  // 5xx to the envelope or the message is a refusal of this e-mail; a 5xx to authentication is our
  // configuration, which an operator will fix: retried, like 4xx and network errors.
  const permanent = typeof err.responseCode === 'number' && err.responseCode >= 500 && err.code !== 'EAUTH';
  return new MailDeliveryError(reason, permanent, { cause: error });
}
