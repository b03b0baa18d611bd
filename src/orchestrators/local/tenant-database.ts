// Each local tenant gets its own PostgreSQL role and database on the platform's server, so the generated
// POSTGRES_PASSWORD is a real credential. Every operation is idempotent and safe to run concurrently from
// several processes: "already exists" races count as success.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import pg from 'pg';
import { OrchestratorError } from '../../provisioning/orchestrator.ts';

/**
 * `tenant_<namespace>_<stack name with - replaced by _>`: the role and the database share it. The namespace
 * (the platform instance's id) keeps a new platform database from adopting the tenant databases of a
 * previous one that used the same stack names.
 */
export function tenantDatabaseName(stack: string, namespace = ''): string {
  return `tenant_${namespace ? `${namespace}_` : ''}${stack.replaceAll('-', '_')}`;
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL would store for `password`, computed here so that the clear password
 * never travels in SQL text (where a failed statement, `log_statement` or pg_stat_statements could record it).
 * Null for passwords outside printable ASCII, whose SASLprep normalisation we leave to the server.
 */
export function scramVerifier(password: string, iterations = 4096): string | null {
  if (!/^[\x20-\x7e]*$/.test(password)) return null;
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

export interface TenantDatabases {
  /** Creates the role (LOGIN, with this password) and its database if missing; sets the password if it exists. */
  ensure(stack: string, password: string): Promise<void>;
  /** Drops the database (disconnecting its sessions) and the role. Missing ones are fine. */
  drop(stack: string): Promise<void>;
  /** Whether the role and the database exist (for tests and diagnostics). */
  exists(stack: string): Promise<{ role: boolean; database: boolean }>;
}

// SQLSTATEs meaning "someone else created it first".
/** First key of the advisory locks taken by the local orchestrator (the second is the tenant name's hash). */
const LOCK_NAMESPACE = 0x6c6f6361; // 'loca'
const DUPLICATE = new Set(['42710' /* duplicate_object */, '42P04' /* duplicate_database */, '23505' /* unique_violation */]);

export function createTenantDatabases(databaseUrl: string, namespace = ''): TenantDatabases {
  /**
   * Catalog changes to one role (ALTER ROLE, GRANT) from concurrent sessions can fail with "tuple concurrently
   * updated": operations on one tenant are serialised across sessions by a session-level advisory lock (CREATE
   * DATABASE cannot run inside a transaction, so a transaction-level lock would not cover it).
   */
  async function withTenantLock<T>(what: string, name: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
    return withClient(what, async (client) => {
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_NAMESPACE, name]);
      try {
        return await fn(client);
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_NAMESPACE, name]).catch(() => undefined);
      }
    });
  }

  async function withClient<T>(what: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({
      connectionString: databaseUrl,
      connectionTimeoutMillis: 10_000,
      query_timeout: 60_000,
      application_name: 'erpbtp-local-orchestrator',
    });
    client.on('error', () => undefined); // a lost connection surfaces as the failed query below
    try {
      await client.connect();
      return await fn(client);
    } catch (err) {
      throw toOrchestratorError(err, what);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  return {
    ensure(stack, password) {
      const name = tenantDatabaseName(stack, namespace);
      return withTenantLock(`preparing database ${name}`, name, async (client) => {
        const role = client.escapeIdentifier(name);
        const secret = client.escapeLiteral(scramVerifier(password) ?? password);
        const { rows: me } = await client.query<{ super: boolean; version: number }>(
          `SELECT rolsuper AS super, current_setting('server_version_num')::int AS version FROM pg_roles WHERE rolname = current_user`,
        );
        const superuser = me[0]?.super ?? false;

        const roleExists = async () => (await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rowCount === 1;
        let created = false;
        if (!(await roleExists())) {
          try {
            await client.query(`CREATE ROLE ${role} LOGIN PASSWORD ${secret}`);
            created = true;
          } catch (err) {
            if (!isDuplicate(err)) throw err;
          }
        }
        if (!created) await client.query(`ALTER ROLE ${role} WITH LOGIN PASSWORD ${secret}`);
        if (!superuser) {
          // A non-superuser platform role (CREATEROLE + CREATEDB) must be able to SET ROLE to the tenant's role to
          // make it a database owner, and to hold its privileges to drop that database later (PostgreSQL 16+
          // grants the creator ADMIN OPTION only). Re-granting is harmless.
          const options = (me[0]?.version ?? 0) >= 160000 ? ' WITH INHERIT TRUE, SET TRUE' : '';
          await client.query(`GRANT ${role} TO CURRENT_USER${options}`);
        }

        const owner = async () =>
          (await client.query<{ owner: string }>('SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1', [name]))
            .rows[0]?.owner;
        let current = await owner();
        if (current === undefined) {
          try {
            await client.query(`CREATE DATABASE ${role} OWNER ${role}`); // never inside a transaction
          } catch (err) {
            if (!isDuplicate(err)) throw err;
          }
          current = await owner();
        }
        if (current !== name) {
          throw new OrchestratorError(`database ${name} exists but belongs to role ${current ?? '?'}, not to the tenant's role`, { transient: false });
        }
        // Tenants must not connect to each other's databases (PUBLIC may connect to any database by default).
        await client.query(`REVOKE ALL ON DATABASE ${role} FROM PUBLIC`);
      });
    },

    drop(stack) {
      const name = tenantDatabaseName(stack, namespace);
      return withTenantLock(`dropping database ${name}`, name, async (client) => {
        const ident = client.escapeIdentifier(name);
        await client.query(`DROP DATABASE IF EXISTS ${ident} WITH (FORCE)`);
        await client.query(`DROP ROLE IF EXISTS ${ident}`);
      });
    },

    exists(stack) {
      const name = tenantDatabaseName(stack, namespace);
      return withClient(`inspecting database ${name}`, async (client) => {
        const { rows } = await client.query<{ role: boolean; database: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS role,
                  EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS database`,
          [name],
        );
        return rows[0] ?? { role: false, database: false };
      });
    },
  };
}

function isDuplicate(err: unknown): boolean {
  return DUPLICATE.has((err as { code?: string }).code ?? '');
}

const TRANSIENT_NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE']);

/** Connection problems, server shutdowns, lock and capacity errors are transient; the rest is not. */
export function isTransientDatabaseError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (TRANSIENT_NETWORK.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) {
      return code.startsWith('08') || code.startsWith('53') || code.startsWith('57P') || code === '40001' || code === '40P01' || code === '55006' || code === '55P03';
    }
  }
  const message = err instanceof Error ? err.message : '';
  return /timeout|timed out|Connection terminated|tuple concurrently (updated|deleted)/i.test(message);
}

function toOrchestratorError(err: unknown, what: string): OrchestratorError {
  if (err instanceof OrchestratorError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown }).code;
  return new OrchestratorError(`local orchestrator: ${what}: ${message}${typeof code === 'string' ? ` (${code})` : ''}`, {
    transient: isTransientDatabaseError(err),
    cause: err,
  });
}
