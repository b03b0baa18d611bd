// Deploy and update: one stack per name, whatever happens on the way (reference §5.5, §6, §9 pitfalls 14, 16).
// - A stack of ours with the name is adopted: updated to the spec (full file, full env), which also starts it.
// - A stack with the name that is not ours is never touched: the deployment fails with the reason.
// - A create that got no answer may still be running in Portainer (it does not cancel on disconnect, and deploys
//   queue behind one global lock), and Portainer's name check is not atomic: creating again could make a second
//   stack. So the stack is looked up by name at once, and no new create is sent for it until it appears or the
//   grace period ends.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { OrchestratorError } from '../../provisioning/orchestrator.ts';
import type { StackSpec } from '../../provisioning/orchestrator.ts';
import type { EnvironmentMode, EnvironmentModes } from './environments.ts';
import { isAmbiguousFailure } from './portainer-errors.ts';
import type { PortainerStack } from './portainer-types.ts';
import { STACK_STATUS } from './portainer-types.ts';
import type { StackApi, StackContent } from './portainer-stacks.ts';
import { isOurs, ownerEnv } from './stack-identity.ts';

export interface StackDeployerOptions {
  stacks: StackApi;
  modes: EnvironmentModes;
  /** The compose file of the stack for this kind of environment (already checked for our labels). */
  render: (spec: StackSpec, mode: EnvironmentMode) => string;
  unansweredCreateGraceMs: number;
  log: Logger;
}

export type DeployIntent = 'deploy' | 'update';

export function createStackDeployer(options: StackDeployerOptions) {
  const { stacks, log } = options;
  /** Creates sent without an answer, by `env/name`: when to stop waiting, and what was sent. */
  const unanswered = new Map<string, { until: number; fingerprint: string }>();

  function notOurs(env: string, stack: PortainerStack): OrchestratorError {
    return new OrchestratorError(
      `Portainer environment ${env} already has a stack named ${stack.Name} (id ${stack.Id}) that ERP BTP Cloud did not create ` +
        '(no ERPBTP_STACK marker): it is left untouched; rename or remove it in Portainer, or choose another name',
      { transient: false },
    );
  }

  async function adopt(spec: StackSpec, stack: PortainerStack, content: StackContent, fingerprint: string, intent: DeployIntent) {
    const env = spec.environment;
    if (!isOurs(stack)) throw notOurs(env, stack);
    const key = `${env}/${spec.name}`;
    const sent = unanswered.get(key);
    unanswered.delete(key);
    if (sent?.fingerprint === fingerprint) {
      log.info({ stack: spec.name, env, id: stack.Id }, 'the create that got no answer went through in Portainer');
      return { externalId: String(stack.Id) };
    }
    const stopped = stack.Status === STACK_STATUS.inactive;
    await stacks.update(env, stack, content);
    // Portainer's update also starts the stack; a stack stopped on purpose (a suspended client) stays stopped.
    if (intent === 'update' && stopped) await stacks.stop(env, stack);
    log.info({ stack: spec.name, env, id: stack.Id, intent }, intent === 'deploy' ? 'adopted our existing stack' : 'stack updated');
    return { externalId: String(stack.Id) };
  }

  /** 409: our stack appeared meanwhile (adopt it), or the name belongs to something else (say what). */
  async function resolveConflict(spec: StackSpec, content: StackContent, fingerprint: string, said: string) {
    const env = spec.environment;
    const named = (await stacks.listAll(env)).filter((s) => s.Name === spec.name);
    const here = named.find((s) => s.EndpointId === Number(env) && isOurs(s)) ?? named.find((s) => s.EndpointId === Number(env));
    if (here) return adopt(spec, here, content, fingerprint, 'deploy');
    if (named.length > 0) {
      const elsewhere = [...new Set(named.map((s) => s.EndpointId))].join(', ');
      throw new OrchestratorError(
        `Portainer refused stack ${spec.name} on environment ${env} (409 ${said}): the name is used on environment ${elsewhere} ` +
          'and containers of that project exist here; choose another name',
        { transient: false },
      );
    }
    throw new OrchestratorError(`Portainer refused stack ${spec.name} on environment ${env} (409 ${said}) but shows no stack of that name yet`, { transient: true });
  }

  async function create(spec: StackSpec, mode: EnvironmentMode, content: StackContent, fingerprint: string) {
    const env = spec.environment;
    const key = `${env}/${spec.name}`;
    const sent = unanswered.get(key);
    if (sent && sent.until > Date.now()) {
      throw new OrchestratorError(
        `stack ${spec.name}: an earlier create got no answer and may still be running in Portainer (deploys are serialised there); ` +
          `not creating it again before it appears or ${new Date(sent.until).toISOString()}`,
        { transient: true },
      );
    }
    try {
      const created = await stacks.create(env, mode, spec.name, content);
      if ('conflict' in created) return await resolveConflict(spec, content, fingerprint, created.conflict);
      unanswered.delete(key);
      log.info({ stack: spec.name, env, id: created.Id, mode: mode.kind }, 'stack created');
      return { externalId: String(created.Id) };
    } catch (err) {
      if (!isAmbiguousFailure(err)) throw err;
      unanswered.set(key, { until: Date.now() + options.unansweredCreateGraceMs, fingerprint });
      log.warn({ stack: spec.name, env, err: (err as Error).message }, 'create got no answer: looking the stack up by name before any retry');
      const found = await stacks.find(env, mode, spec.name).catch(() => null);
      if (found && isOurs(found)) {
        unanswered.delete(key);
        return { externalId: String(found.Id) };
      }
      throw err;
    }
  }

  return {
    async deploy(spec: StackSpec, intent: DeployIntent): Promise<{ externalId: string }> {
      const mode = await options.modes.mode(spec.environment);
      const content: StackContent = { file: options.render(spec, mode), env: ownerEnv(spec.name) };
      const fingerprint = createHash('sha256').update(content.file).digest('hex');
      const existing = await stacks.find(spec.environment, mode, spec.name);
      if (existing) return adopt(spec, existing, content, fingerprint, intent);
      return create(spec, mode, content, fingerprint);
    },
  };
}
