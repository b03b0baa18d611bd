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
      await c.query(`drop database if exists ${name} with (force)`);
    }),
  };
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
