// The instance's schema, created at boot. Idempotent (IF NOT EXISTS) and serialised by an advisory lock,
// so two processes started on the same database (a restart overlapping its predecessor) never race.
import type pg from 'pg';

// Any constant works as long as nothing else in this database uses it: "ERPBTP" in ASCII.
export const SCHEMA_LOCK_KEY = 0x455250425450;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username text NOT NULL,
  password_hash text NOT NULL,
  must_change_password boolean NOT NULL DEFAULT true,
  session_version integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  password_changed_at timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS users_username_key ON users (lower(username));

CREATE TABLE IF NOT EXISTS chantiers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  client text NOT NULL,
  address text NOT NULL DEFAULT '',
  start_date date,
  status text NOT NULL DEFAULT 'a_venir' CHECK (status IN ('a_venir', 'en_cours', 'termine')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS chantiers_created_at_idx ON chantiers (created_at DESC);
`;

/** Runs `fn` on one connection while holding the schema lock. */
export async function withSchemaLock<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK_KEY]);
    try {
      return await fn(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK_KEY]);
    }
  } catch (err) {
    failure = err as Error;
    throw err;
  } finally {
    // On failure the connection is discarded, so a session lock can never stay held in the pool.
    client.release(failure);
  }
}

export async function ensureSchema(client: pg.PoolClient): Promise<void> {
  await client.query(SCHEMA_SQL);
}
