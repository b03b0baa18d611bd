// Portainer's delete runs `compose down` / `docker stack rm`, which keep named volumes (reference §5.7, §5.9):
// removing a stack "with its data" means removing its volumes through the Docker proxy afterwards.
import type { EnvironmentMode } from './environments.ts';
import type { StackApi } from './portainer-stacks.ts';
import { STACK_LABEL } from './stack-identity.ts';

/**
 * The volumes of project `name` (compose) or namespace `name` (swarm). With our stack record just deleted, all of
 * them; without a record (an earlier remove stopped half-way), only those that also carry our label.
 */
export async function removeStackVolumes(stacks: StackApi, env: string, mode: EnvironmentMode, name: string, hadRecord: boolean): Promise<void> {
  const owner = mode.kind === 'swarm' ? `com.docker.stack.namespace=${name}` : `com.docker.compose.project=${name}`;
  const volumes = await stacks.volumes(env, owner);
  for (const volume of volumes) {
    if (hadRecord || volume.Labels?.[STACK_LABEL] === name) await stacks.removeVolume(env, volume.Name);
  }
}
