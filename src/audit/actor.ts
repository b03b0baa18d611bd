// Who acts: a staff member in the dashboard, an API key, or the platform itself (jobs).
// Every service method that writes takes the actor first, so the audit log can say who.
import type { ApiScope, StaffRole } from '../db/schema.ts';

export type Actor =
  | { type: 'staff'; id: number; label: string; role: StaffRole; ip: string | null }
  /** `label`: the key's name; `scopes`: what the key was given (see staff/access.ts). */
  | { type: 'api_key'; id: number; label: string; scopes: readonly ApiScope[]; ip: string | null }
  | { type: 'system'; label: string };

export const SYSTEM_ACTOR: Actor = { type: 'system', label: 'plateforme' };
