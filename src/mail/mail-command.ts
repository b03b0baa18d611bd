// `erpbtp mail …`: what the embedded SMTP server received (list, show) and the state of the outbox
// (status), for operators until the admin dashboard shows them.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { format, t } from '../i18n/index.ts';
import { getSinkMessage, listSinkMessages } from './mail-sink.repository.ts';

export async function runMailCommand(db: Db, sub: string | undefined, arg: string | undefined, print: (line: string) => void): Promise<number> {
  if (sub === 'list') {
    const messages = await listSinkMessages(db, 50);
    if (messages.length === 0) print(t('mail.cli.empty'));
    for (const m of messages) print(`${String(m.id).padStart(5)}  ${format.dateTime(m.receivedAt)}  ${m.envelopeTo.join(', ')}  ${m.subject}`);
    return 0;
  }
  if (sub === 'show') {
    const id = Number(arg);
    const message = Number.isInteger(id) && id > 0 ? await getSinkMessage(db, id) : undefined;
    if (!message) {
      print(t('mail.cli.notFound', { id: arg ?? '' }));
      return 1;
    }
    const { simpleParser } = await import('mailparser');
    const parsed = await simpleParser(message.raw);
    const header = (label: string, value: string) => print(`${label.padEnd(13)} ${value}`);
    header(t('mail.cli.from'), parsed.from?.text ?? '');
    header(t('mail.cli.to'), message.envelopeTo.join(', '));
    if (parsed.replyTo) header(t('mail.cli.replyTo'), parsed.replyTo.text);
    header(t('mail.cli.subject'), message.subject);
    header(t('mail.cli.date'), format.dateTime(message.receivedAt));
    header(t('mail.cli.messageId'), message.messageId);
    print('');
    print(parsed.text ?? '');
    return 0;
  }
  if (sub === 'status') {
    const { rows } = await db.execute<{ status: string; n: number; oldest: Date | null; last_error: string | null }>(sql`
      select status, count(*)::int as n, min(created_at) as oldest,
             (array_agg(last_error order by id desc) filter (where last_error is not null))[1] as last_error
      from email_outbox group by status order by status`);
    if (rows.length === 0) print(t('mail.cli.queueEmpty'));
    for (const r of rows) {
      print(`${r.status.padEnd(8)} ${String(r.n).padStart(6)}${r.last_error && r.status !== 'sent' ? `  ${t('mail.cli.lastError', { error: r.last_error })}` : ''}`);
    }
    return 0;
  }
  print(t('mail.cli.usage'));
  return 2;
}
