// How the driver knows a Portainer stack is ours and checks names before calling (reference §5.2). Ours means:
// the stack's env carries ERPBTP_STACK=<name> (visible in the stack list, so checked without another call) and
// every service of the file carries the label erpbtp.stack=<name> (containers; swarm services too), by which
// health and logs find our containers. Stacks without these are never adopted, changed or removed.
import { parse } from 'yaml';
import { OrchestratorError } from '../../provisioning/orchestrator.ts';
import type { EnvPair, PortainerStack } from './portainer-types.ts';

export const STACK_LABEL = 'erpbtp.stack';
export const OWNER_VARIABLE = 'ERPBTP_STACK';

/** What Portainer does to a name on create: lower-case, then drop everything outside `[-_a-z0-9]`. */
export function normaliseStackName(name: string): string {
  return name.toLowerCase().replace(/[^-_a-z0-9]/g, '');
}

/** A name Portainer would change, or compose would refuse (it must start with `[a-z0-9]`), is refused before any call. */
export function assertStackName(name: string): void {
  if (name === '' || normaliseStackName(name) !== name || !/^[a-z0-9]/.test(name)) {
    throw new OrchestratorError(
      `stack name ${JSON.stringify(name)} would not survive Portainer's normalisation (lower-case [-_a-z0-9], starting with a letter or digit)`,
      { transient: false },
    );
  }
}

export function ownerEnv(name: string): EnvPair[] {
  return [{ name: OWNER_VARIABLE, value: name }];
}

export function isOurs(stack: PortainerStack): boolean {
  return (stack.Env ?? []).some((pair) => pair.name === OWNER_VARIABLE && pair.value === stack.Name);
}

/** Every service of the rendered file must carry our label, on its containers and (swarm) on the service itself. */
export function assertLabelled(file: string, name: string, swarm: boolean): void {
  const document = parse(file) as { services?: Record<string, { labels?: unknown; deploy?: { labels?: unknown } }> };
  for (const [service, spec] of Object.entries(document.services ?? {})) {
    const missing: string[] = [];
    if (labelValue(spec?.labels) !== name) missing.push('labels');
    if (swarm && labelValue(spec?.deploy?.labels) !== name) missing.push('deploy.labels');
    if (missing.length > 0) {
      throw new OrchestratorError(
        `stack template: service ${service} lacks the label ${STACK_LABEL}=${name} in ${missing.join(' and ')}; ` +
          `add "${STACK_LABEL}: \${STACK_NAME}" there, it marks the stack's containers as ERP BTP Cloud's`,
        { transient: false },
      );
    }
  }
}

/** Compose labels are a mapping or a list of `key=value`. */
function labelValue(labels: unknown): string | undefined {
  if (Array.isArray(labels)) {
    const entry = labels.map(String).find((item) => item.startsWith(`${STACK_LABEL}=`));
    return entry?.slice(STACK_LABEL.length + 1);
  }
  if (labels !== null && typeof labels === 'object') {
    const value = (labels as Record<string, unknown>)[STACK_LABEL];
    return value === undefined ? undefined : String(value);
  }
  return undefined;
}
