// The states staff read everywhere (lists, client page, overview), as badges with one colour code:
// green = fine, blue = in progress, amber = needs attention soon, red = broken.
import type { DeploymentState, EmailStatus, StackObservedState, SubscriptionStatus } from '../../../db/schema.ts';
import { t } from '../../../i18n/index.ts';
import { badge, type BadgeKind } from '../../views/components.ts';

const SUBSCRIPTION: Record<SubscriptionStatus, BadgeKind> = {
  trialing: 'info', active: 'success', past_due: 'warning', suspended: 'warning', cancelled: 'neutral', expired: 'error',
};
const STACK: Record<StackObservedState, BadgeKind> = {
  provisioning: 'info', running: 'success', degraded: 'warning', down: 'error', stopped: 'neutral', failed: 'error', deleted: 'neutral',
};
const DEPLOYMENT: Record<DeploymentState, BadgeKind> = {
  queued: 'neutral', running: 'info', succeeded: 'success', failed: 'error', compensating: 'warning', cancelled: 'neutral',
};

const EMAIL: Record<EmailStatus, BadgeKind> = { queued: 'info', sending: 'brand', sent: 'success', failed: 'warning', dead: 'error' };

export const subscriptionBadge = (status: SubscriptionStatus): string => badge({ kind: SUBSCRIPTION[status], text: t(`admin.subscription.status.${status}`) });
export const stackBadge = (state: StackObservedState): string => badge({ kind: STACK[state], text: t(`admin.stack.state.${state}`) });
export const deploymentBadge = (state: DeploymentState): string => badge({ kind: DEPLOYMENT[state], text: t(`admin.deployment.state.${state}`) });
export const emailBadge = (status: EmailStatus): string => badge({ kind: EMAIL[status], text: t(`admin.emails.status.${status}`) });
/** A client whose personal data was erased (RGPD): only its anonymised record is left. */
export const erasedBadge = (): string => badge({ kind: 'neutral', text: t('admin.clients.erasedBadge') });
