// The first line of every use case: is this actor allowed? Staff are checked against the role
// table, API keys against their scopes, and the platform itself may do anything.
import type { Actor } from '../audit/actor.ts';
import type { ApiScope } from '../db/schema.ts';
import { ForbiddenError } from '../errors.ts';
import { can, type Permission } from './roles.ts';

/**
 * Which scopes let an API key through a staff permission (any one of them; `admin` grants every scope). Keys never
 * manage staff accounts nor keys: a leaked key must not be able to mint another one or lock people out.
 */
const SCOPES_GRANTING: Readonly<Record<Permission, readonly ApiScope[]>> = {
  'dashboard:read': ['stacks:read', 'clients:read'],
  'instances:operate': ['stacks:write'],
  'subscriptions:manage': ['clients:write'],
  'credentials:reveal': ['secrets:read'],
  'audit:read': ['admin'],
  'staff:manage': [],
  'api-keys:manage': [],
};

/** What a staff member needs for the use cases an API scope opens, when a staff actor calls an API use case. */
const PERMISSION_FOR_SCOPE: Readonly<Record<ApiScope, Permission>> = {
  'stacks:read': 'dashboard:read',
  'stacks:write': 'instances:operate',
  'clients:read': 'dashboard:read',
  'clients:write': 'subscriptions:manage',
  'secrets:read': 'credentials:reveal',
  admin: 'audit:read',
};

/** A key's scopes include `scope`, or `admin`, which implies every scope. */
export function hasScope(scopes: readonly ApiScope[], scope: ApiScope): boolean {
  return scopes.includes('admin') || scopes.includes(scope);
}

export function requirePermission(actor: Actor, permission: Permission): void {
  if (actor.type === 'system') return;
  if (actor.type === 'staff' && can(actor.role, permission)) return;
  if (actor.type === 'api_key' && SCOPES_GRANTING[permission].some((scope) => hasScope(actor.scopes, scope))) return;
  throw new ForbiddenError(`${actor.label} may not ${permission}`);
}

/** The API's check: the key holds the scope; a staff member the equivalent permission. */
export function requireScope(actor: Actor, scope: ApiScope): void {
  if (actor.type === 'system') return;
  if (actor.type === 'api_key' && hasScope(actor.scopes, scope)) return;
  if (actor.type === 'staff' && can(actor.role, PERMISSION_FOR_SCOPE[scope])) return;
  throw new ForbiddenError(`${actor.label} lacks the ${scope} scope`);
}
