// What each staff role may do. The table is the policy: every dashboard route names one
// permission, checked on the server before anything is read or written (docs: README, « Rôles »).
import type { StaffRole } from '../db/schema.ts';

export const PERMISSIONS = {
  /** See clients, instances, deployments, e-mails. */
  'dashboard:read': ['owner', 'admin', 'operator', 'viewer'],
  /** Suspend, resume, redeploy, retry a deployment, resend e-mails, extend a trial. */
  'instances:operate': ['owner', 'admin', 'operator'],
  /** Change a plan, cancel a subscription, delete a client's instance. */
  'subscriptions:manage': ['owner', 'admin'],
  /** Show an instance's initial credentials (password asked again, audited). */
  'credentials:reveal': ['owner', 'admin'],
  /** The whole audit log. */
  'audit:read': ['owner', 'admin'],
  /** Staff accounts: create, change role, disable. */
  'staff:manage': ['owner'],
  /** REST API keys: create (shown once), revoke. */
  'api-keys:manage': ['owner', 'admin'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: StaffRole, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly StaffRole[]).includes(role);
}
