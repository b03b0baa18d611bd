// The REST API's use cases on deployments: read one with its steps (and, once, the initial credentials of an
// instance the API created), read its events, retry it when it failed.
import type { Actor } from '../../audit/actor.ts';
import { recordAudit } from '../../audit/audit.repository.ts';
import { getDeploymentSummary } from '../../backoffice/deployments-board.repository.ts';
import type { DeploymentsBoardService } from '../../backoffice/deployments-board.service.ts';
import type { Db } from '../../db/database.ts';
import { AppError, ConflictError } from '../../errors.ts';
import { t } from '../../i18n/index.ts';
import { getCredential } from '../../provisioning/credentials.repository.ts';
import { listSteps } from '../../provisioning/deployment-steps.repository.ts';
import { getDeploymentContext, listDeploymentEvents, markCredentialsShown } from '../../provisioning/deployments.repository.ts';
import { credentialAad, initialUsername } from '../../provisioning/stack-variables.ts';
import { hasScope, requireScope } from '../../staff/access.ts';
import type { Cipher } from '../../vault/index.ts';
import { deploymentView, eventView } from './api-views.ts';
import type { DeploymentEventView, DeploymentView } from './schemas/deployments.schemas.ts';
import type { StackAcceptedView } from './schemas/stacks.schemas.ts';
import { acceptedView } from './stacks-api.service.ts';
import { createdThroughApi } from './stacks-api.repository.ts';

export interface DeploymentsApiDeps {
  db: Db;
  cipher: Pick<Cipher, 'decrypt'>;
  board: Pick<DeploymentsBoardService, 'retry'>;
  now?: () => Date;
}

export function deploymentNotFound(id: number): AppError {
  return new AppError(404, 'deployment-not-found', t('api.error.deploymentNotFound', { id }));
}

export function createDeploymentsApi(deps: DeploymentsApiDeps) {
  const now = deps.now ?? (() => new Date());

  /**
   * The instance's first login, for the key that may read secrets, the first time a succeeded creation is read, and
   * only for an instance the API created (a prospect who signed up on the site sees it on their tracking page).
   * Shown once across the API and the tracking page (`credentials_shown_at`), audited.
   */
  async function revealOnce(actor: Actor, id: number): Promise<DeploymentView['credentials']> {
    if (actor.type !== 'api_key' || !hasScope(actor.scopes, 'secrets:read')) return undefined;
    const context = await getDeploymentContext(deps.db, id);
    if (!context || context.deployment.credentialsShownAt) return undefined;
    const { stack, client } = context;
    if (!(await createdThroughApi(deps.db, client.id, stack.name))) return undefined;
    const credential = await getCredential(deps.db, stack.id, 'initial_password');
    if (!credential) return undefined;
    const shown = await deps.db.transaction(async (tx) => {
      if (!(await markCredentialsShown(tx, id, now()))) return false;
      await recordAudit(tx, actor, { action: 'credentials.revealedApi', target: { type: 'stack', id: stack.name }, clientId: client.id, details: { kind: 'initial_password', deployment: id } });
      return true;
    });
    if (!shown) return undefined;
    return { username: initialUsername(client.prenom), password: deps.cipher.decrypt(credential.ciphertext, credentialAad(stack.id, 'initial_password')), url: stack.url };
  }

  async function get(actor: Actor, id: number): Promise<DeploymentView> {
    requireScope(actor, 'stacks:read');
    const summary = await getDeploymentSummary(deps.db, id);
    if (!summary) throw deploymentNotFound(id);
    const view = deploymentView(summary, await listSteps(deps.db, id));
    if (summary.kind !== 'create' || summary.state !== 'succeeded') return view;
    const credentials = await revealOnce(actor, id);
    return credentials ? { ...view, credentials } : view;
  }

  /** Events after `after`, oldest first, and the deployment's state (the stream ends once it is finished). */
  async function events(actor: Actor, id: number, after = 0): Promise<{ state: DeploymentView['state']; events: DeploymentEventView[] }> {
    requireScope(actor, 'stacks:read');
    const summary = await getDeploymentSummary(deps.db, id);
    if (!summary) throw deploymentNotFound(id);
    return { state: summary.state, events: (await listDeploymentEvents(deps.db, id, after)).map(eventView) };
  }

  /** Retries a failed deployment, as the dashboard does (audited there). */
  async function retry(actor: Actor, id: number): Promise<StackAcceptedView> {
    requireScope(actor, 'stacks:write');
    const result = await deps.board.retry(actor, id);
    if (result === 'not-found') throw deploymentNotFound(id);
    if (result === 'not-failed') throw new ConflictError('deployment-not-failed', t('api.error.notFailed', { id }));
    const summary = (await getDeploymentSummary(deps.db, id))!;
    return acceptedView(deps.db, summary.stackId, id);
  }

  return { get, events, retry };
}

export type DeploymentsApi = ReturnType<typeof createDeploymentsApi>;
