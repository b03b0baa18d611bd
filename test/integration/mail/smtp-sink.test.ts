// The embedded SMTP server: stores what it receives, once per Message-ID, and answers "try later" when
// it cannot store, so that nothing is lost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../../../src/db/database.ts';
import { createMailTransport } from '../../../src/mail/mail-transport.ts';
import { listSinkMessages } from '../../../src/mail/mail-sink.repository.ts';
import { startSmtpSink } from '../../../src/mail/smtp-sink.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { captureLogger } from '../../helpers/logs.ts';

test('the embedded SMTP sink stores each message once, and refuses for now when it cannot store', async (t) => {
  const database = await createTestDatabase();
  const db = openDatabase(database.url, { max: 2 });
  const sink = await startSmtpSink({ db: db.db, log: captureLogger().log });
  const transport = createMailTransport(sink.url);
  t.after(async () => {
    transport.close();
    await sink.close();
    await db.close();
    await database.drop();
  });
  const message = {
    from: 'ERP BTP Cloud <ne-pas-repondre@erp-btp.fr>', to: ['julie@exemple.fr'], subject: 'Votre ERP BTP est prêt, Julie\u00a0!',
    text: 'Bonjour', html: '<p>Bonjour</p>', messageId: '<welcome.test@erp-btp.test>',
  };
  assert.match(await transport.send(message), /Message enregistré/);
  assert.match(await transport.send(message), /Message déjà reçu/);
  const stored = await listSinkMessages(db.db, 10);
  assert.equal(stored.length, 1);
  assert.equal(stored[0]!.subject, 'Votre ERP BTP est prêt, Julie\u00a0!');
  assert.deepEqual(stored[0]!.envelopeTo, ['julie@exemple.fr']);

  await db.pool.query('alter table mail_sink_messages rename to mail_sink_messages_away');
  await assert.rejects(transport.send({ ...message, messageId: '<other@erp-btp.test>' }), (error: Error & { permanent?: boolean }) =>
    error.permanent === false && /451/.test(error.message));
  await db.pool.query('alter table mail_sink_messages_away rename to mail_sink_messages');
});
