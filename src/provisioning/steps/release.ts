// Release (delete): the port goes back to the pool, the stack's secrets are erased, its tenant token stops
// working, and the stack is recorded as deleted, all in one transaction. The client and its subscription stay:
// what becomes of them is a separate decision.
import { withTransaction } from '../../db/transaction.ts';
import { deleteCredentials } from '../credentials.repository.ts';
import { updateStack } from '../deployments.repository.ts';
import { releasePort } from '../port-allocations.repository.ts';
import type { Step } from './step.ts';

export const release: Step = {
  name: 'release',
  async run({ deps, stack }) {
    if (stack.observedState === 'deleted') return 'skipped';
    await withTransaction(deps.pool, async ({ tx }) => {
      await releasePort(tx, stack.id);
      await deleteCredentials(tx, stack.id);
      await updateStack(tx, stack.id, {
        port: null, url: null, externalId: null, tenantTokenHash: null, healthStatus: null, healthCheckedAt: deps.now(),
        observedState: 'deleted', desiredState: 'deleted',
      });
    });
    return 'succeeded';
  },
};
