// GET /metrics: Prometheus text, behind METRICS_TOKEN, with the product's figures read from the database
// and the process's own measurements (HTTP, orchestrator).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openForm, startTestPlatform } from '../../helpers/platform.ts';

const TOKEN = 'un-jeton-de-supervision-assez-long';

test('metrics are served to the holder of METRICS_TOKEN, with time to ready and the platform state', async (t) => {
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0', METRICS_TOKEN: TOKEN }, { web: true, worker: true });
  const form = await openForm(platform.app, '/essai');
  await platform.app.inject({ method: 'POST', url: '/essai', headers: { cookie: form.cookie }, payload: { _csrf: form.token, nom: 'Roux', prenom: 'Marc', email: 'marc@roux-plomberie.fr', entreprise: 'Roux Plomberie', telephone: '0612345678', effectif: '1-5', plan: 'starter', cgv: 'on' } });
  for (let i = 0; i < 600; i++) {
    const { rows: [d] } = await platform.sql.query("select state from deployments where kind = 'create'");
    if (d?.state === 'succeeded') break;
    assert.notEqual(d?.state, 'failed');
    await new Promise((r) => setTimeout(r, 100));
  }

  assert.equal((await platform.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
  assert.equal((await platform.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer pas-le-bon-jeton' } })).statusCode, 401);
  const response = await platform.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const text = response.body;
  // Every line is a comment or `name{labels} value`: the exposition format a scraper parses.
  for (const line of text.split('\n').filter(Boolean)) assert.match(line, /^(# (HELP|TYPE) \w+ .+|[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? (-?[\d.e+-]+|NaN|\+Inf))$/, line);
  assert.match(text, /erpbtp_time_to_ready_seconds_count\{orchestrator="local",plan="starter"\} 1/);
  assert.match(text, /erpbtp_time_to_ready_seconds_bucket\{orchestrator="local",plan="starter",le="\+Inf"\} 1/);
  assert.match(text, /# TYPE erpbtp_time_to_ready_seconds histogram/);
  assert.match(text, /erpbtp_stacks\{state="running",orchestrator="local"\} 1/);
  assert.match(text, /erpbtp_deployments_finished\{kind="create",result="succeeded"\} 1/);
  assert.match(text, /erpbtp_orchestrator_call_duration_seconds_count\{operation="deploy",environment="local",outcome="ok"\} 1/);
  assert.match(text, /erpbtp_http_request_duration_seconds_count\{method="POST",route="\/essai",status_code="303"\} 1/);
  assert.match(text, /erpbtp_outbox_emails\{status="(sent|queued|sending)"\} 1/);
  assert.match(text, /erpbtp_process_cpu_seconds_total/);
});

test('without METRICS_TOKEN there is no /metrics', async (t) => {
  const platform = await startTestPlatform(t);
  assert.equal((await platform.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 404);
});
