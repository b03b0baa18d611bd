// All SQL about users.
import type { Queryable } from '../db/pool.ts';

export interface User {
  id: string;
  username: string;
  mustChangePassword: boolean;
  sessionVersion: number;
  createdAt: Date;
}

export interface UserWithHash extends User {
  passwordHash: string;
}

const COLUMNS = `id::text AS id, username, must_change_password AS "mustChangePassword",
  session_version AS "sessionVersion", created_at AS "createdAt"`;

export function createUsersRepository(db: Queryable) {
  return {
    async getById(id: string): Promise<User | undefined> {
      const { rows } = await db.query<User>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
      return rows[0];
    },
    async getWithHashByUsername(username: string): Promise<UserWithHash | undefined> {
      const { rows } = await db.query<UserWithHash>(
        `SELECT ${COLUMNS}, password_hash AS "passwordHash" FROM users WHERE lower(username) = lower($1)`,
        [username],
      );
      return rows[0];
    },
    async getWithHashById(id: string): Promise<UserWithHash | undefined> {
      const { rows } = await db.query<UserWithHash>(
        `SELECT ${COLUMNS}, password_hash AS "passwordHash" FROM users WHERE id = $1`,
        [id],
      );
      return rows[0];
    },
    async list(): Promise<User[]> {
      const { rows } = await db.query<User>(`SELECT ${COLUMNS} FROM users ORDER BY lower(username)`);
      return rows;
    },
    async count(): Promise<number> {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
      return rows[0]?.n ?? 0;
    },
    /** Returns undefined when the username is taken. */
    async create(input: { username: string; passwordHash: string; mustChangePassword: boolean }): Promise<User | undefined> {
      const { rows } = await db.query<User>(
        `INSERT INTO users (username, password_hash, must_change_password) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
        [input.username, input.passwordHash, input.mustChangePassword],
      );
      return rows[0];
    },
    /** Creates the first user only if the table is empty (the caller holds the schema lock). */
    async createIfNone(input: { username: string; passwordHash: string }): Promise<boolean> {
      const { rowCount } = await db.query(
        `INSERT INTO users (username, password_hash, must_change_password)
         SELECT $1, $2, true WHERE NOT EXISTS (SELECT 1 FROM users)`,
        [input.username, input.passwordHash],
      );
      return rowCount === 1;
    },
    /** Sets a new password and bumps the session version, which signs out every other session. */
    async updatePassword(id: string, passwordHash: string): Promise<number | undefined> {
      const { rows } = await db.query<{ sessionVersion: number }>(
        `UPDATE users SET password_hash = $2, must_change_password = false, session_version = session_version + 1,
           password_changed_at = now() WHERE id = $1 RETURNING session_version AS "sessionVersion"`,
        [id, passwordHash],
      );
      return rows[0]?.sessionVersion;
    },
    async delete(id: string): Promise<boolean> {
      const { rowCount } = await db.query('DELETE FROM users WHERE id = $1', [id]);
      return rowCount === 1;
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
