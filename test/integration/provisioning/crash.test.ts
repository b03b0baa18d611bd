// Crash safety: the platform process is killed (SIGKILL) right after each saga step did its
// work and before it was recorded, then restarted; every deployment must still end with
// exactly one tenant process, one database, one port and one welcome e-mail.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { CREATE_STEP_NAMES } from '../../../src/provisioning/steps/index.ts';
import { exited, platformProcesses } from '../../helpers/platform-process.ts';

async function tenantProcesses(stack: string): Promise<number> {
  let count = 0;
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (environ.split('\0').includes(`ERPBTP_LOCAL_STACK=${stack}`)) count++;
  }
  return count;
}

test('a platform killed after each provisioning step recovers with exactly one instance', { timeout: 600_000 }, async (t) => {
  // A kill can fall while the welcome e-mail is being sent: it is resent once its lease ends, kept short here.
  const { sql, start, signup } = await platformProcesses(t, { MAIL_SEND_LEASE_SECONDS: '3' });

  for (const [i, step] of CREATE_STEP_NAMES.entries()) {
    const killed = await start({ ERPBTP_FAULT_KILL_AFTER_STEP: step });
    const status = await signup({ nom: 'Crash', prenom: 'Test', email: `crash${i}@example.fr`, entreprise: `Crash étape ${i + 1}` });
    assert.equal(status, 303);
    await exited(killed);
    assert.equal(killed.signalCode, 'SIGKILL', `the platform was killed after ${step}`);

    const restarted = await start();
    const deadline = Date.now() + 60_000;
    let state = '';
    while (Date.now() < deadline) {
      state = (await sql.query('select d.state from deployments d join clients c on true join stacks s on s.id = d.stack_id and s.client_id = c.id where c.email = $1', [`crash${i}@example.fr`])).rows[0]?.state;
      if (state === 'succeeded' || state === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(state, 'succeeded', `deployment interrupted after ${step}`);
    const { rows: [stack] } = await sql.query(`select s.name, s.url from stacks s join clients c on c.id = s.client_id where c.email = $1`, [`crash${i}@example.fr`]);
    const health = await fetch(`${stack.url}/health`).then((r) => r.status, (e: Error) => e.message);
    assert.equal(health, 200, `instance answering after a crash after ${step}`);
    assert.equal(await tenantProcesses(stack.name), 1, `one tenant process after a crash after ${step}`);
    const { rows: [counts] } = await sql.query(`select
        (select count(*)::int from pg_database where datname = 'tenant_' || (select id from platform_instance) || '_' || $1) as databases,
        (select count(*)::int from port_allocations p join stacks s on s.id = p.stack_id where s.name = $2) as ports,
        (select count(*)::int from credentials c join stacks s on s.id = c.stack_id where s.name = $2) as credentials`,
      [stack.name.replaceAll('-', '_'), stack.name]);
    assert.deepEqual(counts, { databases: 1, ports: 1, credentials: 4 }, `after a crash after ${step}`);
    // Exactly one welcome e-mail, wherever the crash fell (the embedded SMTP sink keeps one per Message-ID).
    const welcomes = async () => (await sql.query(`select
        (select count(*)::int from email_outbox where template = 'welcome' and recipients = array[$1] and status = 'sent') as sent,
        (select count(*)::int from mail_sink_messages where envelope_to = array[$1]) as received`, [`crash${i}@example.fr`])).rows[0];
    for (let w = 0; w < 300 && (await welcomes()).sent === 0; w++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await welcomes(), { sent: 1, received: 1 }, `one welcome e-mail after a crash after ${step}`);
    restarted.kill('SIGTERM');
    await exited(restarted);
  }
});
