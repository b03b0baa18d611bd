// Staff accounts and signed-in dashboard clients for tests: accounts are created through the
// real service and activated through their one-time link, sign-in goes through the real form.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type pg from 'pg';
import { SYSTEM_ACTOR } from '../../src/audit/actor.ts';
import { openDatabase } from '../../src/db/database.ts';
import type { StaffRole } from '../../src/db/schema.ts';
import { createAccountsService } from '../../src/staff/accounts.service.ts';
import { openForm } from './platform.ts';

export const STAFF_PASSWORD = 'une phrase de passe solide';

export interface StaffAccount {
  id: number;
  email: string;
  password: string;
  role: StaffRole;
}

let counter = 0;

/** An activated account (password chosen through its setup link). */
export async function createStaffAccount(app: FastifyInstance, databaseUrl: string, role: StaffRole, email = `${role}.${process.pid}.${counter++}@erp-btp.fr`): Promise<StaffAccount> {
  const database = openDatabase(databaseUrl, { max: 1 });
  try {
    const accounts = createAccountsService({ db: database.db, now: () => new Date(), publicUrl: 'http://localhost' });
    const created = await accounts.createAccount(SYSTEM_ACTOR, { email, name: `Équipe ${role}`, role });
    if (created.status !== 'created') throw new Error(`account not created: ${created.problems.join(', ')}`);
    const token = created.setupUrl.split('/').at(-1)!;
    const done = await accounts.completeSetup(token, STAFF_PASSWORD, STAFF_PASSWORD, '127.0.0.1');
    if (done.status !== 'done') throw new Error('setup failed');
    return { id: created.user.id, email, password: STAFF_PASSWORD, role };
  } finally {
    await database.close();
  }
}

export interface AdminClient {
  account: StaffAccount;
  cookie: string;
  csrf: string;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, form?: Record<string, string>): Promise<LightMyRequestResponse>;
}

function cookiesOf(response: LightMyRequestResponse): string[] {
  const setCookie = response.headers['set-cookie'];
  return (Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []).map((c) => String(c).split(';')[0]!);
}

/** Signs in through the form and returns a client that carries the session and CSRF cookies. */
export async function signIn(app: FastifyInstance, account: StaffAccount): Promise<AdminClient> {
  const form = await openForm(app, '/admin/connexion');
  const response = await app.inject({
    method: 'POST', url: '/admin/connexion', headers: { cookie: form.cookie },
    payload: { _csrf: form.token, email: account.email, password: account.password },
  });
  const session = cookiesOf(response).find((c) => c.startsWith('erpbtp_admin='));
  if (response.statusCode !== 303 || !session) throw new Error(`sign-in failed: ${response.statusCode}`);
  const cookie = `${form.cookie}; ${session}`;
  return {
    account, cookie, csrf: form.token,
    get: (url) => app.inject({ method: 'GET', url, headers: { cookie } }),
    post: (url, payload = {}) => app.inject({ method: 'POST', url, headers: { cookie }, payload: { _csrf: form.token, ...payload } }),
  };
}

export async function signInAs(app: FastifyInstance, databaseUrl: string, role: StaffRole): Promise<AdminClient> {
  return signIn(app, await createStaffAccount(app, databaseUrl, role));
}

export async function auditActions(sql: pg.Pool): Promise<string[]> {
  const { rows } = await sql.query<{ action: string }>('select action from audit_log order by id');
  return rows.map((r) => r.action);
}
