// Property-based: thousands of generated requests (paths, query strings, headers, bodies: random, hostile or
// nearly valid) to every API route, with or without a valid key. Whatever comes in, the answer is never a 500.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { markReady, startApiPlatform, trialBody } from './helpers.ts';

/** Per route; 21 routes, so about 6,300 requests: the file stays well under a minute and a half on a busy machine. */
const RUNS = Number(process.env.API_FUZZ_RUNS ?? 300);

// Header values as a client can send them (no CR/LF: the HTTP layer refuses those before any route).
const headerText = fc.string({ unit: 'binary', maxLength: 80 }).map((s) => s.replace(/[^\t\x20-\x7e]/g, ''));
const anyText = fc.string({ unit: 'grapheme', maxLength: 60 });
const hostile = fc.constantFrom('', '%', '%zz', '%E0%A4%A', '..', '../..', '__proto__', 'constructor', '\u0000', 'a'.repeat(300), '🏗️', 'null', '-1', '1e309', '0x10');

const segment = fc.oneof(anyText, hostile, fc.stringMatching(/^[a-z][a-z0-9-]{0,44}$/), fc.constantFrom('martin-renovation-1', 'inconnue'))
  .map(encodeURIComponent);
const idSegment = fc.oneof(
  fc.integer({ min: -5, max: 50 }).map(String), fc.bigInt().map(String), fc.double().map(String), anyText.map(encodeURIComponent), hostile.map(encodeURIComponent),
);
const queryString = fc.oneof(
  fc.dictionary(fc.oneof(fc.constantFrom('status', 'plan', 'search', 'cursor', 'limit', 'after'), anyText), fc.oneof(anyText, hostile, fc.array(anyText, { maxLength: 3 })))
    .map((entries) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(entries)) for (const value of [v].flat()) params.append(k, value);
      return params.toString();
    }),
  fc.constantFrom('limit=0', 'limit=101', 'limit=abc', 'cursor=!!!', 'cursor=eyJhZnRlciI6LTF9', 'cursor=bnVsbA', 'status=running&status=down', 'after=1e400', '%ff=%fe', 'a[b][c]=d'),
);

const nearlyValid = fc.record({
  clientId: fc.oneof(fc.integer(), fc.double(), anyText, fc.constant(null)),
  nom: fc.oneof(anyText, hostile), prenom: fc.oneof(anyText, hostile), email: fc.oneof(fc.emailAddress(), anyText), entreprise: fc.oneof(anyText, hostile),
  telephone: fc.oneof(fc.constant('06 12 34 56 78'), anyText), effectif: fc.oneof(fc.constantFrom('1-5', '50+'), anyText),
  plan: fc.oneof(fc.constantFrom('essai', 'starter', 'pro', 'enterprise'), anyText), cgv: fc.oneof(fc.constant(true), fc.boolean(), anyText),
  client_name: fc.oneof(anyText, hostile),
  extendTrialDays: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.double(), anyText), status: fc.oneof(fc.constantFrom('cancelled', 'active'), anyText),
}, { requiredKeys: [] });
const body = fc.oneof(
  nearlyValid.map((b) => JSON.stringify(b)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.constant(JSON.stringify(trialBody())),
  fc.constantFrom('', '{', '[]', 'null', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{}}}', '"texte"', '{"nom":"\\u0000"}', '{"a":'.repeat(200)),
  anyText,
);

const ROUTES: { method: InjectOptions['method']; name: string; path: fc.Arbitrary<string>; body?: boolean }[] = [
  { method: 'POST', name: '/api/v1/stacks', path: fc.constant('/api/v1/stacks'), body: true },
  { method: 'GET', name: '/api/v1/stacks', path: fc.constant('/api/v1/stacks') },
  { method: 'GET', name: '/api/v1/stacks/{param}', path: segment.map((s) => `/api/v1/stacks/${s}`) },
  { method: 'GET', name: '/api/v1/stacks/{param}/status', path: segment.map((s) => `/api/v1/stacks/${s}/status`) },
  { method: 'POST', name: '/api/v1/stacks/{param}/suspend', path: segment.map((s) => `/api/v1/stacks/${s}/suspend`), body: true },
  { method: 'POST', name: '/api/v1/stacks/{param}/resume', path: segment.map((s) => `/api/v1/stacks/${s}/resume`), body: true },
  { method: 'POST', name: '/api/v1/stacks/{param}/redeploy', path: segment.map((s) => `/api/v1/stacks/${s}/redeploy`), body: true },
  { method: 'DELETE', name: '/api/v1/stacks/{param}', path: segment.map((s) => `/api/v1/stacks/${s}`), body: true },
  { method: 'GET', name: '/api/v1/deployments/{param}', path: idSegment.map((s) => `/api/v1/deployments/${s}`) },
  { method: 'GET', name: '/api/v1/deployments/{param}/events', path: idSegment.map((s) => `/api/v1/deployments/${s}/events`) },
  { method: 'POST', name: '/api/v1/deployments/{param}/retry', path: idSegment.map((s) => `/api/v1/deployments/${s}/retry`), body: true },
  { method: 'GET', name: '/api/v1/plans', path: fc.constant('/api/v1/plans') },
  { method: 'GET', name: '/api/v1/clients', path: fc.constant('/api/v1/clients') },
  { method: 'GET', name: '/api/v1/clients/{param}', path: idSegment.map((s) => `/api/v1/clients/${s}`) },
  { method: 'PATCH', name: '/api/v1/clients/{param}', path: idSegment.map((s) => `/api/v1/clients/${s}`), body: true },
  { method: 'GET', name: '/api/v1/clients/{param}/export', path: idSegment.map((s) => `/api/v1/clients/${s}/export`) },
  { method: 'GET', name: '/api/v1/clients/{param}/quotas', path: idSegment.map((s) => `/api/v1/clients/${s}/quotas`) },
  { method: 'PATCH', name: '/api/v1/subscriptions/{param}', path: idSegment.map((s) => `/api/v1/subscriptions/${s}`), body: true },
  // After the other client routes: it may erase the client they read.
  { method: 'DELETE', name: '/api/v1/clients/{param}', path: idSegment.map((s) => `/api/v1/clients/${s}`), body: true },
  { method: 'POST', name: '/api/stacks/create', path: fc.constant('/api/stacks/create'), body: true },
  { method: 'GET', name: '/api/stacks/{param}/status', path: segment.map((s) => `/api/stacks/${s}/status`) },
];

test('generated requests to every API route never get a 500', { timeout: 600_000 }, async (t) => {
  const p = await startApiPlatform(t);
  const admin = await p.key(['admin']);
  const reader = await p.key(['stacks:read']);
  const existing = await p.call(admin, 'POST', '/api/v1/stacks', { body: trialBody({ entreprise: 'Martin Rénovation' }) });
  assert.equal(existing.statusCode, 202);
  await markReady(p, existing.json().stack.name);

  const authorization = fc.oneof(
    { weight: 6, arbitrary: fc.constant(`Bearer ${admin}`) },
    fc.constant(`Bearer ${reader}`), fc.constant(undefined), headerText, headerText.map((s) => `Bearer ${s}`), fc.constant(`Bearer ebk_abcdefgh_${'x'.repeat(43)}`),
  );
  const headers = fc.record({
    authorization,
    'content-type': fc.oneof(fc.constant('application/json'), fc.constant('application/json; charset=utf-8'), headerText, fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data')),
    'idempotency-key': headerText,
    // Not the event stream: a stream of a real deployment only ends when it does (the stream has its own test).
    accept: headerText.filter((s) => !s.includes('event-stream')),
    'last-event-id': headerText,
    'x-request-id': headerText,
  }, { requiredKeys: [] });

  for (const route of ROUTES) {
    await t.test(`${route.method} ${route.name}`, async () => {
      const request = fc.record({ path: route.path, query: fc.option(queryString), headers, body: route.body ? fc.option(body, { freq: 4 }) : fc.constant(null) });
      await fc.assert(fc.asyncProperty(request, async ({ path, query, headers: h, body: payload }) => {
        const clean = Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>;
        const response = await p.app.inject({ method: route.method, url: query ? `${path}?${query}` : path, headers: clean, ...(payload !== null ? { payload } : {}) });
        if (response.statusCode >= 500) throw new Error(`${response.statusCode} for ${route.method} ${path}?${query ?? ''}: ${response.body.slice(0, 300)}`);
        if (response.statusCode >= 400) assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      }), { numRuns: RUNS });
    });
  }
  assert.doesNotMatch(p.logs.text(), /"msg":"request failed"/, 'no request failed with an error logged');
});
