import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openForm, startTestPlatform } from '../../helpers/platform.ts';

test('open tracking streams start after ?depuis= and do not keep a stopping platform waiting', async (t) => {
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0' });
  const c = await openForm(platform.app, '/essai');
  const signup = await platform.app.inject({
    method: 'POST', url: '/essai', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: c.cookie },
    payload: new URLSearchParams({
      nom: 'Durand', prenom: 'Luc', email: 'luc@durand-btp.fr', entreprise: 'Durand BTP', telephone: '0612345678',
      effectif: '1-5', plan: 'essai', cgv: 'on', _csrf: c.token,
    }).toString(),
  });
  const tracking = signup.headers.location as string;
  const { rows: [event] } = await platform.sql.query('select max(id)::int as id from deployment_events');

  // No worker: the deployment stays queued and the stream stays open.
  const response = await fetch(`${platform.url}${tracking}/flux?depuis=${event.id}`);
  const reader = response.body!.getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  const more = new TextDecoder().decode((await reader.read()).value);
  assert.doesNotMatch(first + more, /^id: /m, 'events already on the page are not sent again');
  assert.match(first + more, /event: snapshot/);

  const stopping = platform.stop().then(() => 'stopped');
  assert.equal(await Promise.race([stopping, sleep(5_000).then(() => 'still waiting')]), 'stopped');
  await reader.cancel().catch(() => undefined);
});
