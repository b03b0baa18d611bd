// Render: assemble the stack definition from the template variables. Nothing is stored (it
// holds secrets); the deploy step renders it again, so a resumed run needs no saved state.
import { buildStackSpec } from '../stack-variables.ts';
import type { Step } from './step.ts';

export const render: Step = {
  name: 'render',
  async run(ctx) {
    await buildStackSpec(ctx);
    return 'succeeded';
  },
};
