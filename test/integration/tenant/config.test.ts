// The instance's configuration: validated at start, with French messages naming each variable.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTenantConfig, TenantConfigError } from '../../../tenant/config.ts';

const VALID = {
  POSTGRES_HOST: 'postgres',
  POSTGRES_DB: 'erp_btp',
  POSTGRES_USER: 'erp_user',
  POSTGRES_PASSWORD: 'p@ss$word!',
  SECRET_KEY: 'abcdefghijklmnopqrstuvwxyz012345',
  INITIAL_USERNAME: 'jean',
  INITIAL_PASSWORD: 'Temp0raire!',
  CLIENT_NAME: 'BTP Martin',
};

function errorOf(env: Record<string, string>): TenantConfigError {
  try {
    parseTenantConfig(env);
  } catch (err) {
    assert.ok(err instanceof TenantConfigError);
    return err;
  }
  assert.fail('configuration accepted');
}

describe('tenant configuration', () => {
  test('accepts the compose template’s variables, with defaults for port, host and plan', () => {
    const config = parseTenantConfig(VALID);
    assert.equal(config.port, 8080);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.plan, 'essai');
    assert.deepEqual(config.database, { kind: 'fields', host: 'postgres', port: 5432, database: 'erp_btp', user: 'erp_user', password: 'p@ss$word!' });
    assert.equal(config.platform, null);
    assert.equal(config.secureCookies, false);
    assert.ok(Object.isFrozen(config));
  });

  test('prefers DATABASE_URL, reads the platform pair, and derives Secure cookies from an https APP_URL', () => {
    const config = parseTenantConfig({
      ...VALID,
      DATABASE_URL: 'postgres://u:p@db:5432/x',
      APP_PORT: '9000',
      APP_URL: 'https://martin.erpbtp.example',
      PLATFORM_URL: 'https://cloud.erpbtp.example/',
      TENANT_TOKEN: 'tok',
      PLAN: 'pro',
      QUOTA_USERS: '15',
      QUOTA_PROJECTS: '-1',
    });
    assert.deepEqual(config.database, { kind: 'url', connectionString: 'postgres://u:p@db:5432/x' });
    assert.equal(config.port, 9000);
    assert.deepEqual(config.platform, { url: 'https://cloud.erpbtp.example', token: 'tok' });
    assert.equal(config.secureCookies, true);
    assert.deepEqual(config.quotas, { users: 15, projects: -1, storageGb: null });
  });

  test('reports every problem at once, in French, naming each variable and never echoing a secret', () => {
    const error = errorOf({
      APP_PORT: 'huit-mille',
      SECRET_KEY: 'trop-court-secret',
      INITIAL_USERNAME: 'jean',
      PLATFORM_URL: 'ftp://platform',
      QUOTA_USERS: '-5',
    });
    const text = error.message;
    assert.match(text, /^Configuration invalide de l’instance ERP BTP\u00a0:/);
    for (const name of ['APP_PORT', 'SECRET_KEY', 'INITIAL_PASSWORD', 'CLIENT_NAME', 'PLATFORM_URL', 'TENANT_TOKEN', 'QUOTA_USERS', 'DATABASE_URL']) {
      assert.ok(text.includes(name), `${name} is named`);
    }
    assert.match(text, /SECRET_KEY\u00a0: doit contenir au moins 32 caractères \(reçu 17\)/);
    assert.ok(!text.includes('trop-court-secret'), 'the secret itself is not shown');
    assert.equal(error.issues.length, 8);
  });

  test('rejects a DATABASE_URL that is not PostgreSQL without showing it', () => {
    const error = errorOf({ ...VALID, DATABASE_URL: 'mysql://root:hunter2@db/x' });
    assert.match(error.message, /DATABASE_URL\u00a0: doit être une adresse postgres:\/\//);
    assert.ok(!error.message.includes('hunter2'));
  });
});
