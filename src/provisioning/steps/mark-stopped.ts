// Mark stopped (suspend): the stack is recorded as stopped, with no health to speak of.
import { updateStack } from '../deployments.repository.ts';
import type { Step } from './step.ts';

export const markStopped: Step = {
  name: 'mark_stopped',
  async run({ deps, stack }) {
    if (stack.observedState === 'stopped') return 'skipped';
    await updateStack(deps.db, stack.id, { observedState: 'stopped', healthStatus: null, healthCheckedAt: deps.now() });
    return 'succeeded';
  },
};
