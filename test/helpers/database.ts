// Each test file gets its own database: a clone of the migrated template made by the global
// setup (test/setup/global-setup.ts), or an empty one when asked.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export function adminUrl(): string {
  const url = process.env.ERPBTP_TEST_ADMIN_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error('ERPBTP_TEST_ADMIN_URL is not set: run the tests with `npm test`');
  return url;
}

export function databaseUrl(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates an isolated database; by default a clone of the migrated template (schema + pg-boss). */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const template = process.env.ERPBTP_TEST_TEMPLATE;
  const migrated = options.migrated ?? Boolean(template);
  if (migrated && !template) throw new Error('ERPBTP_TEST_TEMPLATE is not set: run the tests with `npm test`');
  const name = `t_${process.env.ERPBTP_TEST_RUN ?? 'adhoc'}_${randomBytes(5).toString('hex')}`;
  const admin = adminUrl();
  await withAdmin(admin, (c) => c.query(`create database ${name}${migrated ? ` template ${template}` : ''}`));
  // A clone is a platform of its own: it must not share the template's instance id.
  if (migrated) await withAdmin(databaseUrl(admin, name), (c) => c.query(`update platform_instance set id = substr(md5(random()::text), 1, 8)`));
  return {
    name,
    url: databaseUrl(admin, name),
    drop: () => withAdmin(admin, async (c) => {
      // Connections still closing (a pool draining, a queue stopping) get a moment to go by themselves: one killed
      // by the forced drop reports « terminating connection due to administrator command » in its test.
      for (let i = 0; i < 40; i++) {
        const { rows: [open] } = await c.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        if (open!.n === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      // The local orchestrator names its tenants' databases and roles after the platform instance id: read it
      // before the drop, so that the tenants a test left behind go with it (the server may be shared, not thrown away).
      const namespace = migrated ? await withAdmin(databaseUrl(admin, name), instanceId).catch(() => undefined) : undefined;
      await c.query(`drop database if exists ${name} with (force)`);
      if (namespace) await dropTenants(c, namespace);
    }),
  };
}

async function instanceId(client: pg.Client): Promise<string | undefined> {
  const { rows } = await client.query<{ id: string }>('select id from platform_instance');
  return rows[0]?.id;
}

/** Databases and roles `tenant_<namespace>_…`, as tenantDatabaseName spells them. */
async function dropTenants(client: pg.Client, namespace: string): Promise<void> {
  const pattern = `tenant\\_${namespace}\\_%`;
  const { rows: databases } = await client.query<{ datname: string }>('select datname from pg_database where datname like $1', [pattern]);
  for (const { datname } of databases) await client.query(`drop database if exists "${datname}" with (force)`);
  const { rows: roles } = await client.query<{ rolname: string }>('select rolname from pg_roles where rolname like $1', [pattern]);
  for (const { rolname } of roles) await client.query(`drop role if exists "${rolname}"`);
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
