// Helpers for the fake's contract tests: a fake per test, a bare HTTP client (no cookie jar, credentials chosen
// per call), a compose file and Docker's log frames.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFakePortainer } from '../fakes/portainer/fake-portainer.ts';
import type { FakePortainer, FakePortainerOptions } from '../fakes/portainer/fake-portainer.ts';

export type ErrorBody = { message: string; details?: string };

export async function setup(t: TestContext, options: FakePortainerOptions = {}) {
  const fake = await startFakePortainer(options);
  t.after(() => fake.close());
  return { fake, client: createClient(fake) };
}

export async function waitUntil(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await sleep(25);
  }
  assert.fail(`timed out waiting for ${what}`);
}

export interface Reply {
  status: number;
  headers: Headers;
  raw: Buffer;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
}

export interface CallOptions {
  body?: unknown;
  /** Default: the fake's API key. `none` sends no credentials. */
  auth?: 'api-key' | 'none' | { jwt: string } | { headers: Record<string, string> };
  signal?: AbortSignal;
}

export function createClient(fake: FakePortainer) {
  async function call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const auth = options.auth ?? 'api-key';
    const headers: Record<string, string> =
      auth === 'api-key' ? { 'X-API-Key': fake.apiKey } : auth === 'none' ? {} : 'jwt' in auth ? { Authorization: `Bearer ${auth.jwt}` } : auth.headers;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${fake.url}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
      signal: options.signal,
    });
    const raw = Buffer.from(await response.arrayBuffer());
    const text = raw.toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, raw, text, json };
  }

  return {
    call,
    async login(username = fake.adminUsername, password = fake.adminPassword): Promise<string> {
      const reply = await call('POST', '/api/auth', { auth: 'none', body: { username, password } });
      return (reply.json as { jwt: string }).jwt;
    },
    createStack(envId: number, name: string, file: string, env?: { name: string; value: string }[]): Promise<Reply> {
      return call('POST', `/api/stacks/create/standalone/string?endpointId=${envId}`, { body: { name, stackFileContent: file, ...(env ? { env } : {}) } });
    },
    createSwarmStack(envId: number, name: string, file: string, swarmID: string): Promise<Reply> {
      return call('POST', `/api/stacks/create/swarm/string?endpointId=${envId}`, { body: { name, swarmID, stackFileContent: file } });
    },
    containers(envId: number, filters: Record<string, string[]>, all = true): Promise<Reply> {
      return call('GET', `/api/endpoints/${envId}/docker/containers/json?all=${all ? 1 : 0}&filters=${encodeURIComponent(JSON.stringify(filters))}`);
    },
  };
}

/** A compose file with a healthchecked app publishing `port`, and a database. */
export function composeFile(port: number, label = 'erpbtp.stack'): string {
  return [
    'services:',
    '  app:',
    '    image: erp-btp:1.0',
    `    ports: ["${port}:8000"]`,
    `    labels: { ${label}: "yes" }`,
    '    deploy: { labels: { ' + label + ': "yes" } }',
    '    healthcheck: { test: ["CMD", "true"] }',
    '  db:',
    '    image: postgres:17',
    '',
  ].join('\n');
}

/** Splits a multiplexed Docker log stream into its frames. */
export function demultiplex(raw: Buffer): { stream: number; text: string }[] {
  const frames: { stream: number; text: string }[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const size = raw.readUInt32BE(offset + 4);
    frames.push({ stream: raw[offset]!, text: raw.subarray(offset + 8, offset + 8 + size).toString('utf8') });
    offset += 8 + size;
  }
  return frames;
}
