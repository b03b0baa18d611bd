// The first line of every staff use case: is this actor allowed?
import type { Actor } from '../audit/actor.ts';
import { ForbiddenError } from '../errors.ts';
import { can, type Permission } from './roles.ts';

/** Staff are checked against the role table; the platform itself may do anything; API keys have their own scopes. */
export function requirePermission(actor: Actor, permission: Permission): void {
  if (actor.type === 'system') return;
  if (actor.type === 'staff' && can(actor.role, permission)) return;
  throw new ForbiddenError(`${actor.label} may not ${permission}`);
}
