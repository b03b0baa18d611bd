import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, describeConfig, loadConfig } from '../../../src/config.ts';

const portainer = { ORCHESTRATOR: 'portainer', PORTAINER_URL: 'https://portainer.example.fr:9443', PORTAINER_API_KEY: 'ptr_secretkey' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/app');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  return [];
}

test('the local orchestrator needs no Portainer settings, and ignores them', () => {
  const config = loadConfig({ PORTAINER_ENDPOINT_ID: 'nonsense' });
  assert.equal(config.orchestrator, 'local');
  assert.equal(config.portainer, undefined);
  assert.equal(describeConfig(config).PORTAINER_URL, undefined);
});

test('ORCHESTRATOR=portainer with an API key: environment 1 by default, TLS verified, port mode', () => {
  const config = loadConfig(portainer);
  assert.deepEqual(config.portainer, {
    url: 'https://portainer.example.fr:9443', apiKey: 'ptr_secretkey', username: undefined, password: undefined, environments: ['1'], insecureTls: false,
  });
  assert.equal(config.tenantUrlTemplate, undefined);
  assert.equal(config.stackTemplate, undefined);
});

test('several environments, an account, the self-signed certificate, domain mode and a template of our own', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'erpbtp-config-'));
  writeFileSync(path.join(dir, 'stack.yml'), 'services: {}\n');
  const config = loadConfig({
    ORCHESTRATOR: 'portainer', PORTAINER_URL: 'http://10.0.0.5:9000', PORTAINER_USERNAME: 'erpbtp', PORTAINER_PASSWORD: 'mot de passe ',
    PORTAINER_ENDPOINT_ID: '2, 3,2', PORTAINER_INSECURE_TLS: 'true', TENANT_URL_TEMPLATE: 'https://{name}.erp-btp.fr/', STACK_TEMPLATE: 'stack.yml',
  }, dir);
  assert.deepEqual(config.portainer, {
    url: 'http://10.0.0.5:9000', apiKey: undefined, username: 'erpbtp', password: 'mot de passe ', environments: ['2', '3'], insecureTls: true,
  });
  assert.equal(config.tenantUrlTemplate, 'https://{name}.erp-btp.fr');
  assert.equal(config.stackTemplate, path.join(dir, 'stack.yml'));
});

test('Portainer secrets are masked in the effective configuration and in error messages', () => {
  const described = describeConfig(loadConfig({ ...portainer, PORTAINER_USERNAME: 'erpbtp', PORTAINER_PASSWORD: 'hunter2-password' }));
  assert.equal(described.PORTAINER_API_KEY, '***');
  assert.equal(described.PORTAINER_PASSWORD, '***');
  assert.equal(described.PORTAINER_USERNAME, 'erpbtp');
  assert.equal(described.PORTAINER_ENDPOINT_ID, '1');
  assert.equal(described.PORTAINER_INSECURE_TLS, false);
  assert.match(String(described.TENANT_URL_TEMPLATE), /mode port/);
  assert.ok(!JSON.stringify(described).includes('ptr_secretkey') && !JSON.stringify(described).includes('hunter2'));
});

test('ORCHESTRATOR=portainer requires the URL and credentials, each problem in French naming the variable', () => {
  assert.deepEqual(problems({ ORCHESTRATOR: 'portainer' }), [
    'PORTAINER_URL : obligatoire avec ORCHESTRATOR=portainer',
    'PORTAINER_API_KEY, ou PORTAINER_USERNAME et PORTAINER_PASSWORD : obligatoires avec ORCHESTRATOR=portainer',
  ]);
  assert.deepEqual(problems({ ...portainer, PORTAINER_API_KEY: '', PORTAINER_USERNAME: 'erpbtp' }), ['PORTAINER_PASSWORD : obligatoire avec PORTAINER_USERNAME']);
  assert.deepEqual(problems({ ...portainer, PORTAINER_API_KEY: '', PORTAINER_PASSWORD: 'x' }), ['PORTAINER_USERNAME : obligatoire avec PORTAINER_PASSWORD']);
});

test('invalid Portainer values are all reported at once', () => {
  const found = problems({
    ...portainer, PORTAINER_URL: 'ftp://portainer', PORTAINER_ENDPOINT_ID: '1,swarm', PORTAINER_INSECURE_TLS: 'yes',
    TENANT_URL_TEMPLATE: 'https://erp-btp.fr/{name}', STACK_TEMPLATE: 'missing.yml',
  });
  assert.deepEqual(found.sort(), [
    'PORTAINER_ENDPOINT_ID : attendu des identifiants d’environnements Portainer séparés par des virgules (par exemple 1,2), reçu « 1,swarm »',
    'PORTAINER_INSECURE_TLS : attendu « true » ou « false », reçu « yes »',
    'PORTAINER_URL : attendu une URL http: ou https:, reçu « ftp://portainer »',
    'STACK_TEMPLATE : attendu le chemin d’un fichier lisible, reçu « missing.yml »',
    'TENANT_URL_TEMPLATE : attendu une URL http ou https avec {name} dans le nom d’hôte (par exemple https://{name}.erp-btp.fr), reçu « https://erp-btp.fr/{name} »',
  ]);
});

test('domain mode needs the Portainer driver: local tenants are reached on their port', () => {
  assert.deepEqual(problems({ TENANT_URL_TEMPLATE: 'https://{name}.erp-btp.fr' }), [
    'TENANT_URL_TEMPLATE : le mode domaine (routage par Traefik) nécessite ORCHESTRATOR=portainer',
  ]);
});
