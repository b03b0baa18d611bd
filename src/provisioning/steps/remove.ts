// Remove (delete): the orchestrator removes the stack and its data (local driver: the process, the tenant
// database and role, the files; Portainer: the stack and its volumes). Removing a missing stack succeeds, so the
// orchestrator itself checks what is left; a step resumed half-way finishes the job.
import type { Step } from './step.ts';

export const remove: Step = {
  name: 'remove',
  async run({ deps, stack, log }) {
    // The stack never got an environment of this orchestrator (a creation that failed before `reserve`):
    // nothing of ours can exist for it.
    if (!deps.orchestrator.environments().includes(stack.environment)) {
      log.warn({ environment: stack.environment }, 'stack environment not served by the orchestrator: nothing to remove');
      return 'skipped';
    }
    await deps.orchestrator.remove(stack.environment, stack.name);
    return 'succeeded';
  },
};
