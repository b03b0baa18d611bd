// The stack template's variables (DESIGN §7), assembled from the database and the vault.
// The result holds secrets: it lives in memory for one call and is never logged or stored.
import slugify from '@sindresorhus/slugify';
import { OrchestratorError, type StackSpec } from './orchestrator.ts';
import { listCredentials } from './credentials.repository.ts';
import type { StepContext } from './steps/step.ts';

export function credentialAad(stackId: number, kind: string): string {
  return `stack:${stackId}:${kind}`;
}

/** Login of the instance's first user: the first name, as the original system did (`Jean Paul` → `jean-paul`). */
export function initialUsername(prenom: string): string {
  return slugify(prenom) || 'admin';
}

export function clientNumber(clientId: number): string {
  return `C${String(clientId).padStart(6, '0')}`;
}

/** Inside its container the app listens on this port: Traefik's target in domain mode. */
const CONTAINER_APP_PORT = 8080;

export async function buildStackSpec({ deps, stack, client, plan }: StepContext): Promise<StackSpec> {
  const domainMode = deps.settings.tenantUrlTemplate !== undefined;
  if (!stack.url || (stack.port === null && !domainMode)) throw new OrchestratorError('stack has no reserved URL and port', { transient: false });
  const secrets = new Map<string, string>();
  for (const c of await listCredentials(deps.db, stack.id)) {
    secrets.set(c.kind, deps.cipher.decrypt(c.ciphertext, credentialAad(stack.id, c.kind)));
  }
  const secret = (kind: string) => {
    const value = secrets.get(kind);
    if (!value) throw new OrchestratorError(`stack has no ${kind}`, { transient: false });
    return value;
  };
  return {
    name: stack.name,
    environment: stack.environment,
    port: domainMode ? null : stack.port,
    variables: {
      POSTGRES_PASSWORD: secret('database_password'),
      SECRET_KEY: secret('secret_key'),
      INITIAL_USERNAME: initialUsername(client.prenom),
      INITIAL_PASSWORD: secret('initial_password'),
      TENANT_TOKEN: secret('tenant_token'),
      CLIENT_ID: String(client.id),
      CLIENT_NAME: client.entreprise,
      CLIENT_NUMBER: clientNumber(client.id),
      APP_PORT: String(domainMode ? CONTAINER_APP_PORT : stack.port),
      APP_URL: stack.url,
      PLATFORM_URL: deps.settings.publicUrl,
      PLAN: plan.id,
      QUOTA_USERS: String(plan.quotas.users),
      QUOTA_PROJECTS: String(plan.quotas.projects),
      QUOTA_STORAGE_GB: String(plan.quotas.storageGb),
      CPU_LIMIT: String(plan.resources.cpus),
      MEMORY_LIMIT_MB: String(plan.resources.memoryMb),
    },
  };
}
