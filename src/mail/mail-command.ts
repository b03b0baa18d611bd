// `erpbtp mail …`: what the embedded SMTP server received (list, show) and the state of the outbox
// (status), for operators until the admin dashboard shows them.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { format } from '../i18n/index.ts';
import { getSinkMessage, listSinkMessages } from './mail-sink.repository.ts';

export const MAIL_USAGE = `Utilisation :
  erpbtp mail list          les derniers e-mails reçus par le serveur SMTP embarqué
  erpbtp mail show <id>     un e-mail reçu : en-têtes et texte
  erpbtp mail status        l’état de la file d’envoi (envoyés, en attente, en échec)`;

export async function runMailCommand(db: Db, sub: string | undefined, arg: string | undefined, print: (line: string) => void): Promise<number> {
  if (sub === 'list') {
    const messages = await listSinkMessages(db, 50);
    if (messages.length === 0) print('Aucun e-mail reçu par le serveur SMTP embarqué.');
    for (const m of messages) print(`${String(m.id).padStart(5)}  ${format.dateTime(m.receivedAt)}  ${m.envelopeTo.join(', ')}  ${m.subject}`);
    return 0;
  }
  if (sub === 'show') {
    const id = Number(arg);
    const message = Number.isInteger(id) && id > 0 ? await getSinkMessage(db, id) : undefined;
    if (!message) {
      print(`E-mail ${arg ?? ''} introuvable : voir « erpbtp mail list ».`);
      return 1;
    }
    const { simpleParser } = await import('mailparser');
    const parsed = await simpleParser(message.raw);
    print(`De :        ${parsed.from?.text ?? ''}`);
    print(`À :         ${message.envelopeTo.join(', ')}`);
    if (parsed.replyTo) print(`Répondre à : ${parsed.replyTo.text}`);
    print(`Objet :     ${message.subject}`);
    print(`Date :      ${format.dateTime(message.receivedAt)}`);
    print(`Message-ID : ${message.messageId}`);
    print('');
    print(parsed.text ?? '');
    return 0;
  }
  if (sub === 'status') {
    const { rows } = await db.execute<{ status: string; n: number; oldest: Date | null; last_error: string | null }>(sql`
      select status, count(*)::int as n, min(created_at) as oldest,
             (array_agg(last_error order by id desc) filter (where last_error is not null))[1] as last_error
      from email_outbox group by status order by status`);
    if (rows.length === 0) print('File d’envoi vide.');
    for (const r of rows) {
      print(`${r.status.padEnd(8)} ${String(r.n).padStart(6)}${r.last_error && r.status !== 'sent' ? `  dernière erreur : ${r.last_error}` : ''}`);
    }
    return 0;
  }
  print(MAIL_USAGE);
  return 2;
}
