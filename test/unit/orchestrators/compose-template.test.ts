import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { loadStackTemplate, renderComposeFile } from '../../../src/orchestrators/portainer/compose-template.ts';
import { loadPlans } from '../../../src/plans/plans.ts';
import type { Plan } from '../../../src/plans/plan.ts';
import type { StackSpec } from '../../../src/provisioning/orchestrator.ts';

// The official Compose specification schema: the reference copy outside the project (../shared/reference),
// or the project's own copy of the same file on a machine without it.
const SHARED_SPEC = new URL('../../../../shared/reference/compose-spec/compose-spec.json', import.meta.url);
const COMPOSE_SPEC = existsSync(SHARED_SPEC) ? SHARED_SPEC : new URL('../../fixtures/compose-spec/compose-spec.json', import.meta.url);
// Its `$schema` is draft-07 under an https address Ajv does not know (Ajv's draft-07 is its default);
// `strict: false` because the schema uses union types and untyped keywords that Ajv's strict mode refuses.
const { $schema: _draft07, ...composeSpec } = JSON.parse(readFileSync(COMPOSE_SPEC, 'utf8')) as Record<string, unknown>;
const validateCompose = new Ajv({ allErrors: true, strict: false }).compile(composeSpec);

const DOMAIN_TEMPLATE = 'https://{name}.erp-btp.fr';
/** What the app container receives (docs/tenant-contract.md §1); the plan's limits go to `deploy.resources`. */
const APP_ENVIRONMENT = [
  'APP_PORT', 'POSTGRES_HOST', 'POSTGRES_PORT', 'POSTGRES_DB', 'POSTGRES_USER', 'POSTGRES_PASSWORD', 'SECRET_KEY',
  'INITIAL_USERNAME', 'INITIAL_PASSWORD', 'CLIENT_ID', 'CLIENT_NAME', 'CLIENT_NUMBER', 'APP_URL', 'PLATFORM_URL',
  'TENANT_TOKEN', 'PLAN', 'QUOTA_USERS', 'QUOTA_PROJECTS', 'QUOTA_STORAGE_GB',
];
const TEMPLATE = loadStackTemplate();
const PLANS = loadPlans();

interface Service {
  image: string;
  environment: Record<string, string>;
  labels: Record<string, string>;
  deploy: { labels: Record<string, string>; resources: { limits: { cpus: string; memory: string } } };
  ports?: string[];
  networks?: string[];
  depends_on?: unknown;
}
interface ComposeFile {
  services: Record<string, Service>;
  [key: string]: unknown;
}

function specFor(plan: Plan, overrides: Partial<StackSpec> = {}): StackSpec {
  return {
    name: 'dupont-batiment',
    environment: '1',
    port: 8123,
    variables: {
      POSTGRES_PASSWORD: 'db-Secret!@#$%^&*',
      SECRET_KEY: 'k'.repeat(64),
      INITIAL_USERNAME: 'jean-paul',
      INITIAL_PASSWORD: 'Provisoire-2026',
      TENANT_TOKEN: 'tok_0123456789abcdef',
      CLIENT_ID: '42',
      CLIENT_NAME: 'Dupont Bâtiment',
      CLIENT_NUMBER: 'C000042',
      APP_PORT: '8123',
      APP_URL: 'http://erp.example:8123',
      PLATFORM_URL: 'https://erpbtp.example',
      PLAN: plan.id,
      QUOTA_USERS: String(plan.quotas.users),
      QUOTA_PROJECTS: String(plan.quotas.projects),
      QUOTA_STORAGE_GB: String(plan.quotas.storageGb),
      CPU_LIMIT: String(plan.resources.cpus),
      MEMORY_LIMIT_MB: String(plan.resources.memoryMb),
    },
    ...overrides,
  };
}

function renderText(spec: StackSpec, mode: 'port' | 'domain'): string {
  return renderComposeFile(TEMPLATE, spec, mode === 'domain' ? { domainTemplate: DOMAIN_TEMPLATE } : {});
}

/** Parses a rendered file and checks it against the Compose specification. */
function parseCompose(text: string): ComposeFile {
  const document: unknown = parse(text);
  assert.ok(validateCompose(document), JSON.stringify(validateCompose.errors, null, 2));
  return document as ComposeFile;
}

function render(spec: StackSpec, mode: 'port' | 'domain'): ComposeFile {
  return parseCompose(renderText(spec, mode));
}

/** Every key path of a document: two documents with the same paths have the same structure. */
function keyPaths(node: unknown, prefix = ''): string[] {
  if (typeof node !== 'object' || node === null) return [prefix];
  return Object.entries(node).flatMap(([key, value]) => keyPaths(value, `${prefix}/${key}`));
}

function strings(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (typeof node !== 'object' || node === null) return [];
  return Object.values(node).flatMap(strings);
}

/** What Compose reads from a rendered value: `$$` is a literal `$`. */
function composeValue(value: string): string {
  return value.replaceAll('$$', '$');
}

for (const mode of ['port', 'domain'] as const) {
  for (const plan of PLANS) {
    test(`${mode} mode, plan ${plan.id}: a valid Compose file with the app, its database and the plan's limits`, () => {
      const compose = render(specFor(plan), mode);
      assert.deepEqual(Object.keys(compose).sort(), mode === 'port' ? ['services', 'volumes'] : ['networks', 'services', 'volumes']);
      assert.deepEqual(Object.keys(compose.services).sort(), ['app', 'db']);
      for (const service of Object.values(compose.services)) {
        assert.deepEqual(service.deploy.resources.limits, { cpus: String(plan.resources.cpus), memory: `${plan.resources.memoryMb}M` });
      }
      const environment = compose.services.app!.environment;
      assert.deepEqual(Object.keys(environment).sort(), [...APP_ENVIRONMENT].sort());
      assert.equal(environment.APP_PORT, '8080');
      assert.equal(environment.PLAN, plan.id);
      assert.equal(environment.QUOTA_USERS, String(plan.quotas.users));
    });
  }

  test(`${mode} mode: every container and Swarm service carries our labels`, () => {
    const compose = render(specFor(PLANS[0]!), mode);
    for (const service of Object.values(compose.services)) {
      for (const labels of [service.labels, service.deploy.labels]) {
        assert.equal(labels['erpbtp.stack'], 'dupont-batiment');
        assert.equal(labels['erpbtp.managed'], 'true');
      }
    }
  });

  test(`${mode} mode: stays within what docker stack deploy accepts`, () => {
    const compose = render(specFor(PLANS[0]!), mode);
    // A subset of the service keys of docker/cli's 3.x schema, which refuses e.g. cpus, mem_limit and a top-level name.
    const swarmServiceKeys = ['image', 'depends_on', 'environment', 'healthcheck', 'labels', 'deploy', 'ports', 'networks', 'volumes'];
    assert.ok(Object.keys(compose).every((key) => ['services', 'volumes', 'networks'].includes(key)));
    for (const service of Object.values(compose.services)) {
      assert.deepEqual(Object.keys(service).filter((key) => !swarmServiceKeys.includes(key)), []);
      assert.ok(service.depends_on === undefined || Array.isArray(service.depends_on));
      assert.equal(typeof service.deploy.resources.limits.cpus, 'string');
    }
  });
}

test('port mode publishes the stack port on the app only', () => {
  const compose = render(specFor(PLANS[0]!, { port: 9001 }), 'port');
  assert.deepEqual(compose.services.app?.ports, ['9001:8080']);
  assert.equal(compose.services.db?.ports, undefined);
  assert.equal(compose.services.app?.labels['traefik.enable'], undefined);
});

test('domain mode publishes no port and routes the stack host through Traefik', () => {
  const compose = render(specFor(PLANS[0]!, { port: null }), 'domain');
  for (const service of Object.values(compose.services)) assert.equal(service.ports, undefined);
  const app = compose.services.app!;
  for (const labels of [app.labels, app.deploy.labels]) {
    assert.equal(labels['traefik.enable'], 'true');
    assert.equal(labels['traefik.http.routers.dupont-batiment.rule'], 'Host(`dupont-batiment.erp-btp.fr`)');
    assert.equal(labels['traefik.http.services.dupont-batiment.loadbalancer.server.port'], '8080');
  }
  assert.deepEqual(app.networks, ['default', 'traefik']);
  assert.deepEqual(compose.networks, { traefik: { external: true } });
  assert.equal(compose.services.db?.networks, undefined);
});

const HOSTILE_VALUES = [
  `double " and single ' quotes`,
  '$', '$$', '$HOME', '${SECRET_KEY}', '${UNKNOWN:-x}', 'trailing $', '$$$ three',
  'line one\nline two', 'windows\r\nline', '\n', '  leading and trailing spaces  ', 'tab\there',
  '# not a comment', 'key: value', 'a:b', '- item', '{ a: 1 }', '[1, 2]', '&anchor *alias', '!!binary x', '---', '...',
  '| block', '> folded', '@at', '`backtick`', 'back\\slash \\n', '%YAML 1.1',
  'yes', 'no', 'on', 'off', 'null', '~', 'true', '0755', '12:30', '1e3', '.inf', '0x1F', '',
  'Maçonnerie Générale & Fils — Ĳssel', '建筑公司', 'شركة البناء', 'Entreprise 🏗️👷‍♀️ 🇫🇷', 'e\u0301', 'zero\u200bwidth',
  'bom\ufeff', 'nel\u0085ls\u2028ps\u2029', 'escape\u001b[31m', 'bell\u0007',
  'x'.repeat(100_000),
];
/** Numbers the template uses as such; every other variable takes the hostile value. */
const NUMERIC_VARIABLES = new Set(['APP_PORT', 'CPU_LIMIT', 'MEMORY_LIMIT_MB']);

for (const mode of ['port', 'domain'] as const) {
  test(`${mode} mode: hostile values keep the document's structure and come back intact`, () => {
    const baseline = specFor(PLANS[0]!);
    const expectedPaths = keyPaths(render(baseline, mode));
    for (const hostile of HOSTILE_VALUES) {
      const variables = Object.fromEntries(Object.entries(baseline.variables).map(([name, value]) => [name, NUMERIC_VARIABLES.has(name) ? value : hostile]));
      const label = JSON.stringify(hostile.slice(0, 40));
      const text = renderText({ ...baseline, variables }, mode);
      const compose = parseCompose(text);
      assert.deepEqual(keyPaths(compose), expectedPaths, `structure changed for ${label}`);
      // Go YAML parsers (compose, docker stack) fold raw line separators and some read YAML 1.1 (`yes`, `0755`, `12:30`).
      assert.doesNotMatch(text, /[\u0085\u2028\u2029]/, `raw line separator for ${label}`);
      assert.deepEqual(parse(text, { version: '1.1' }), compose, `read differently as YAML 1.1 for ${label}`);
      for (const value of strings(compose)) assert.match(value, /^(?:[^$]|\$\$)*$/, `a $ left to Compose interpolation for ${label}`);
      const environment = compose.services.app!.environment;
      for (const name of ['CLIENT_NAME', 'INITIAL_USERNAME', 'INITIAL_PASSWORD', 'SECRET_KEY', 'TENANT_TOKEN', 'APP_URL']) {
        assert.equal(composeValue(environment[name]!), hostile, `${name} for ${label}`);
      }
      assert.equal(composeValue(compose.services.db!.environment.POSTGRES_PASSWORD!), hostile, `POSTGRES_PASSWORD for ${label}`);
    }
  });
}

test('images default to the ERP registry and postgres:16-alpine, and can be set through variables', () => {
  const spec = specFor(PLANS[0]!);
  const defaults = render(spec, 'port');
  assert.equal(defaults.services.app?.image, 'registry.erp-btp.fr/erp-btp:latest');
  assert.equal(defaults.services.db?.image, 'postgres:16-alpine');
  const custom = render({ ...spec, variables: { ...spec.variables, ERP_IMAGE: 'registry.example/erp:2.1', POSTGRES_IMAGE: 'postgres:17' } }, 'port');
  assert.equal(custom.services.app?.image, 'registry.example/erp:2.1');
  assert.equal(custom.services.db?.image, 'postgres:17');
});

test('unknown or unsupported placeholders are an error naming each of them', () => {
  const template = 'services:\n  app:\n    image: ${NOPE}\n    environment:\n      A: ${CLIENT_NAME}\n      B: ${UNSET-default}\n      C: $ALSO_NOPE\n';
  assert.throws(() => renderComposeFile(template, specFor(PLANS[0]!)), (error: Error) => {
    assert.match(error.message, /\$\{NOPE\}/);
    assert.match(error.message, /\$\{UNSET-default\}/);
    assert.match(error.message, /\$ALSO_NOPE/);
    assert.doesNotMatch(error.message, /CLIENT_NAME/);
    return true;
  });
});

test('a literal $$ of the template is kept for Compose', () => {
  const template = 'services:\n  app:\n    image: erp\n    command: ["sh", "-c", "echo $$HOME"]\n';
  assert.match(renderComposeFile(template, specFor(PLANS[0]!)), /echo \$\$HOME/);
});

test('merge keys of a vendor template are resolved', () => {
  const template = 'x-defaults: &defaults\n  restart: unless-stopped\nservices:\n  app:\n    <<: *defaults\n    image: erp\n';
  const compose = parse(renderComposeFile(template, specFor(PLANS[0]!))) as { services: { app: Record<string, string> } };
  assert.deepEqual(compose.services.app, { restart: 'unless-stopped', image: 'erp' });
});

test('keys that placeholders make equal are an error', () => {
  const template = 'services:\n  app:\n    image: erp\n    labels:\n      ${PLAN}: a\n      essai: b\n';
  assert.throws(() => renderComposeFile(template, specFor(PLANS[0]!)), /keys that become equal/);
});

test('port mode needs a port; domain mode needs {name} in the URL template', () => {
  assert.throws(() => renderComposeFile(TEMPLATE, specFor(PLANS[0]!, { port: null })), /port mode needs a published port/);
  assert.throws(() => renderComposeFile(TEMPLATE, specFor(PLANS[0]!), { domainTemplate: 'https://erp-btp.fr' }), /has no \{name\}/);
});

test('the default template is found whatever the working directory', (t) => {
  const cwd = process.cwd();
  t.after(() => process.chdir(cwd));
  process.chdir(tmpdir());
  assert.equal(loadStackTemplate(), TEMPLATE);
});

test('a missing or malformed template is an error naming the file', () => {
  const missing = join(tmpdir(), 'no-such-dir', 'stack.yml');
  assert.throws(() => loadStackTemplate(missing), (error: Error) => error.message.includes(missing));
  const malformed = join(mkdtempSync(join(tmpdir(), 'erpbtp-template-')), 'stack.yml');
  writeFileSync(malformed, 'services:\n  app: [unclosed\n');
  assert.throws(() => loadStackTemplate(malformed), (error: Error) => error.message.includes(malformed));
});
