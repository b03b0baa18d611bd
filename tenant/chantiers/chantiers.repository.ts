// All SQL about chantiers (job sites).
import type { Queryable } from '../db/pool.ts';

export const CHANTIER_STATUSES = ['a_venir', 'en_cours', 'termine'] as const;
export type ChantierStatus = (typeof CHANTIER_STATUSES)[number];

export interface ChantierInput {
  name: string;
  client: string;
  address: string;
  /** YYYY-MM-DD or null. */
  startDate: string | null;
  status: ChantierStatus;
}

export interface Chantier extends ChantierInput {
  id: string;
  createdAt: Date;
  updatedAt: Date;
}

// Dates travel as text: node-postgres would turn a `date` into a local-midnight Date and shift it.
const COLUMNS = `id::text AS id, name, client, address, to_char(start_date, 'YYYY-MM-DD') AS "startDate", status,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

export function createChantiersRepository(db: Queryable) {
  return {
    async list(): Promise<Chantier[]> {
      const { rows } = await db.query<Chantier>(
        `SELECT ${COLUMNS} FROM chantiers ORDER BY array_position(ARRAY['en_cours','a_venir','termine'], status),
           start_date NULLS LAST, lower(name)`,
      );
      return rows;
    },
    async getById(id: string): Promise<Chantier | undefined> {
      const { rows } = await db.query<Chantier>(`SELECT ${COLUMNS} FROM chantiers WHERE id = $1`, [id]);
      return rows[0];
    },
    async count(): Promise<number> {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM chantiers');
      return rows[0]?.n ?? 0;
    },
    async countByStatus(): Promise<Record<ChantierStatus, number>> {
      const { rows } = await db.query<{ status: ChantierStatus; n: number }>(
        'SELECT status, count(*)::int AS n FROM chantiers GROUP BY status',
      );
      const counts: Record<ChantierStatus, number> = { a_venir: 0, en_cours: 0, termine: 0 };
      for (const row of rows) counts[row.status] = row.n;
      return counts;
    },
    async create(input: ChantierInput): Promise<Chantier> {
      const { rows } = await db.query<Chantier>(
        `INSERT INTO chantiers (name, client, address, start_date, status) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [input.name, input.client, input.address, input.startDate, input.status],
      );
      const row = rows[0];
      if (!row) throw new Error('INSERT … RETURNING returned no row');
      return row;
    },
    async update(id: string, input: ChantierInput): Promise<Chantier | undefined> {
      const { rows } = await db.query<Chantier>(
        `UPDATE chantiers SET name = $2, client = $3, address = $4, start_date = $5, status = $6, updated_at = now()
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, input.name, input.client, input.address, input.startDate, input.status],
      );
      return rows[0];
    },
    async delete(id: string): Promise<boolean> {
      const { rowCount } = await db.query('DELETE FROM chantiers WHERE id = $1', [id]);
      return rowCount === 1;
    },
  };
}

export type ChantiersRepository = ReturnType<typeof createChantiersRepository>;
