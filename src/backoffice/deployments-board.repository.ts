// The dashboard's reading of deployments: lists by state with the stack and the client, and one
// deployment with the same columns. Steps and events are read with the provisioning repositories.
import { desc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { clients, type DeploymentState, deploymentSteps, deployments, stacks } from '../db/schema.ts';

const summaryColumns = {
  id: deployments.id,
  kind: deployments.kind,
  state: deployments.state,
  attempt: deployments.attempt,
  currentStep: deployments.currentStep,
  error: deployments.error,
  createdAt: deployments.createdAt,
  startedAt: deployments.startedAt,
  finishedAt: deployments.finishedAt,
  stackId: stacks.id,
  stackName: stacks.name,
  clientId: clients.id,
  entreprise: clients.entreprise,
  // The runner clears `current_step` when a deployment fails: the failed step is the one marked so.
  failedStep: sql<string | null>`(select ${deploymentSteps.name} from ${deploymentSteps}
    where ${deploymentSteps.deploymentId} = ${deployments.id} and ${deploymentSteps.status} = 'failed'
    order by ${deploymentSteps.position} limit 1)`,
};

export interface DeploymentSummary {
  id: number;
  kind: (typeof deployments.$inferSelect)['kind'];
  state: DeploymentState;
  attempt: number;
  currentStep: string | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  stackId: number;
  stackName: string;
  clientId: number;
  entreprise: string;
  failedStep: string | null;
}

function selectSummaries(ex: Executor) {
  return ex.select(summaryColumns).from(deployments)
    .innerJoin(stacks, eq(stacks.id, deployments.stackId))
    .innerJoin(clients, eq(clients.id, stacks.clientId));
}

/**
 * Deployments in the given states, newest first: by end date for finished ones (a retried deployment that
 * failed again comes back to the top), by id otherwise.
 */
export async function listDeploymentSummaries(
  ex: Executor, options: { states: readonly DeploymentState[]; limit: number; byFinish?: boolean },
): Promise<DeploymentSummary[]> {
  const order = options.byFinish
    ? [sql`${deployments.finishedAt} desc nulls last`, desc(deployments.id)]
    : [desc(deployments.id)];
  return selectSummaries(ex).where(inArray(deployments.state, [...options.states])).orderBy(...order).limit(options.limit);
}

export async function getDeploymentSummary(ex: Executor, id: number): Promise<DeploymentSummary | undefined> {
  const [row] = await selectSummaries(ex).where(eq(deployments.id, id));
  return row;
}
