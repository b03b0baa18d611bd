// When provisioning fails for good: an honest, reassuring word to the prospect (no technical detail),
// and the details to the staff.
import { t } from '../../src/i18n/index.ts';
import { type RenderedMail, renderMail } from './layout.ts';

export interface DeploymentFailedClientParams {
  prenom: string;
  entreprise: string;
  supportEmail: string;
}

export function deploymentFailedClientMail(p: DeploymentFailedClientParams): RenderedMail {
  return renderMail({
    subject: t('mail.failedClient.subject'),
    preheader: t('mail.failedClient.preheader'),
    supportEmail: p.supportEmail,
    blocks: [
      { kind: 'paragraph', text: t('mail.failedClient.greeting', { prenom: p.prenom }) },
      { kind: 'paragraph', text: t('mail.failedClient.body', { entreprise: p.entreprise }) },
      { kind: 'paragraph', text: t('mail.failedClient.next') },
      { kind: 'paragraph', text: t('mail.failedClient.signature') },
    ],
  });
}

export interface DeploymentFailedStaffParams {
  entreprise: string;
  email: string;
  stack: string;
  deploymentId: number;
  step: string;
  error: string;
  supportEmail: string;
}

export function deploymentFailedStaffMail(p: DeploymentFailedStaffParams): RenderedMail {
  return renderMail({
    subject: t('mail.failedStaff.subject', { stack: p.stack, deploymentId: p.deploymentId }),
    preheader: t('mail.failedStaff.preheader', { step: p.step, error: p.error.slice(0, 120) }),
    supportEmail: p.supportEmail,
    automatic: false,
    blocks: [
      { kind: 'paragraph', text: t('mail.failedStaff.intro') },
      {
        kind: 'facts',
        rows: [
          [t('mail.failedStaff.fact.client'), p.entreprise],
          [t('mail.failedStaff.fact.email'), p.email],
          [t('mail.failedStaff.fact.stack'), p.stack],
          [t('mail.failedStaff.fact.deployment'), String(p.deploymentId)],
          [t('mail.failedStaff.fact.step'), p.step],
          [t('mail.failedStaff.fact.error'), p.error],
        ],
      },
      { kind: 'paragraph', text: t('mail.failedStaff.retry', { deploymentId: p.deploymentId }) },
    ],
  });
}
