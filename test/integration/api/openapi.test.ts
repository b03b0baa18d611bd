// The OpenAPI 3.1 document generated from the route schemas: valid for Redocly's recommended ruleset, complete
// (every route declares its parameters, body, answers and scope), and made of allow-lists (every object of every
// answer closes its properties, so nothing leaks by accident).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bundleFromString, createConfig, lintFromString } from '@redocly/openapi-core';
import { launchBrowser, skipWithoutChromium } from '../../helpers/browser.ts';
import { startApiPlatform } from './helpers.ts';

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; additionalProperties?: unknown; items?: Schema; anyOf?: Schema[] };

/** Paths of object schemas that accept properties they do not list. */
function openObjects(schema: Schema, where: string): string[] {
  const found: string[] = [];
  if (schema.properties || schema.type === 'object') {
    if (schema.additionalProperties !== false) found.push(where);
    for (const [name, property] of Object.entries(schema.properties ?? {})) found.push(...openObjects(property, `${where}.${name}`));
  }
  if (schema.items) found.push(...openObjects(schema.items, `${where}[]`));
  for (const [i, branch] of (schema.anyOf ?? []).entries()) found.push(...openObjects(branch, `${where}|${i}`));
  return found;
}

test('the OpenAPI document passes Redocly’s recommended rules, and every answer is an allow-list', async (t) => {
  const p = await startApiPlatform(t);
  const response = await p.call(undefined, 'GET', '/api/openapi.json');
  assert.equal(response.statusCode, 200);
  const source = response.body;
  const config = await createConfig({ extends: ['recommended'] });

  const problems = await lintFromString({ source, absoluteRef: 'openapi.json', config });
  // The test platform's address is localhost; a real one is the PUBLIC_URL.
  const relevant = problems.filter((problem) => problem.ruleId !== 'no-server-example.com');
  assert.deepEqual(relevant.map((problem) => `${problem.severity} ${problem.ruleId}: ${problem.message} at ${problem.location[0]?.pointer}`), []);
  const bundled = await bundleFromString({ source, absoluteRef: 'openapi.json', config });
  assert.deepEqual(bundled.problems.filter((problem) => problem.severity === 'error'), []);

  const document = JSON.parse(source);
  assert.equal(document.openapi, '3.1.0');
  assert.deepEqual(Object.keys(document.paths).sort(), [
    '/api/stacks/create', '/api/stacks/{name}/status', '/api/v1/clients', '/api/v1/clients/{id}', '/api/v1/clients/{id}/export', '/api/v1/clients/{id}/quotas',
    '/api/v1/deployments/{id}', '/api/v1/deployments/{id}/events', '/api/v1/deployments/{id}/retry',
    '/api/v1/plans', '/api/v1/stacks', '/api/v1/stacks/{name}', '/api/v1/stacks/{name}/redeploy', '/api/v1/stacks/{name}/resume',
    '/api/v1/stacks/{name}/status', '/api/v1/stacks/{name}/suspend', '/api/v1/subscriptions/{id}',
  ]);
  for (const [path, operations] of Object.entries(document.paths) as [string, Record<string, Record<string, unknown> & { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>][]) {
    for (const [method, operation] of Object.entries(operations)) {
      const name = `${method.toUpperCase()} ${path}`;
      assert.ok(operation.operationId && operation.summary && (operation.tags as string[]).length === 1, `${name}: named, summarised, tagged`);
      assert.ok(Array.isArray(operation.security), `${name}: a security requirement`);
      assert.equal(Boolean(operation.deprecated), path.startsWith('/api/stacks/'), `${name}: deprecated only for the original routes`);
      const pathParameters = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = ((operation.parameters ?? []) as { in: string; name: string; schema: object }[]).filter((x) => x.in === 'path');
      assert.deepEqual(declared.map((x) => x.name), pathParameters, `${name}: path parameters with their schemas`);
      if (method === 'patch' || (method === 'post' && ['/api/v1/stacks', '/api/stacks/create'].includes(path))) assert.ok(operation.requestBody, `${name}: body schema`);
      for (const [status, answer] of Object.entries(operation.responses)) {
        assert.ok(answer.content, `${name} ${status}: content declared`);
        for (const [media, { schema }] of Object.entries(answer.content)) {
          if (media === 'text/event-stream') continue;
          assert.equal(media, Number(status) >= 400 ? 'application/problem+json' : 'application/json', `${name} ${status}`);
          assert.deepEqual(openObjects(schema, `${name} ${status}`), [], 'closed objects only');
        }
      }
    }
  }
});

test('the documentation page works in a browser under its content security policy', { skip: skipWithoutChromium, timeout: 120_000 }, async (t) => {
  const browser = await launchBrowser(t);
  const p = await startApiPlatform(t);
  // Unlike the site's page tests, the policy is enforced: that is what is tested.
  const context = await browser.newContext({ locale: 'fr-FR' });
  t.after(() => context.close());
  const page = await context.newPage();
  const refused: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') refused.push(message.text());
  });
  page.on('pageerror', (error) => refused.push(error.message));
  await page.goto(`${p.url}/api/docs`);
  await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('.opblock').count(), 21);
  assert.ok(await page.getByText('ERP BTP Cloud — API REST').first().isVisible());
  assert.deepEqual(refused, []);
});
