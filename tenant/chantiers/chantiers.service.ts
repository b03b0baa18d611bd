// Use-cases about chantiers. Every user of the instance may manage every chantier (no roles in the demo).
import type { QuotaGate } from '../platform/quotas.ts';
import type { User } from '../users/users.repository.ts';
import type { Chantier, ChantiersRepository } from './chantiers.repository.ts';
import { validateChantier } from './chantiers.validation.ts';
import type { ChantierErrors, ChantierForm } from './chantiers.validation.ts';

export type QuotaRefusal = { used: number; limit: number; message: string | null };
export type SaveResult =
  | { ok: true; chantier: Chantier }
  | { ok: false; errors: ChantierErrors; quota?: QuotaRefusal }
  | { ok: false; notFound: true };

export function createChantiersService(deps: { chantiers: ChantiersRepository; quotas: QuotaGate }) {
  const { chantiers } = deps;
  return {
    list: (_actor: User) => chantiers.list(),
    get: (_actor: User, id: string) => chantiers.getById(id),
    countByStatus: (_actor: User) => chantiers.countByStatus(),

    async create(_actor: User, form: ChantierForm): Promise<SaveResult> {
      const result = validateChantier(form);
      if (!result.ok) return result;
      const decision = await deps.quotas.check('projects', await chantiers.count());
      if (!decision.allowed) return { ok: false, errors: {}, quota: decision };
      return { ok: true, chantier: await chantiers.create(result.input) };
    },

    async update(_actor: User, id: string, form: ChantierForm): Promise<SaveResult> {
      const result = validateChantier(form);
      if (!result.ok) return result;
      const chantier = await chantiers.update(id, result.input);
      return chantier ? { ok: true, chantier } : { ok: false, notFound: true };
    },

    delete: (_actor: User, id: string) => chantiers.delete(id),
  };
}

export type ChantiersService = ReturnType<typeof createChantiersService>;
