// How an alert reads, the same in the e-mail, the webhook message and the dashboard: its title (the kind), its
// target (what is affected, from its parameters) and its parameters as labelled facts.
import type { AlertKind } from '../db/schema.ts';
import { format, type MessageKey, t } from '../i18n/index.ts';
import type { NoticeKind } from './alerts.repository.ts';

export interface AlertText {
  kind: AlertKind;
  key: string;
  params: Record<string, string | number>;
  environment: string | null;
}

/** Longest parameter value shown (an error may hold a whole stack trace). */
const VALUE_MAX = 500;

export function alertTitle(kind: AlertKind): string {
  return t(`alert.kind.${kind}`);
}

export function alertTarget(alert: AlertText): string {
  const p = alert.params;
  if (alert.kind === 'environment_unreachable') {
    if (!alert.environment) return t('alert.target.orchestrator');
    return p.orchestrator !== undefined
      ? t('alert.target.environmentOf', { environment: alert.environment, orchestrator: p.orchestrator })
      : t('alert.target.environment', { environment: alert.environment });
  }
  if (alert.kind === 'email_dead' && p.emailId !== undefined) return t('alert.target.email', { emailId: p.emailId, recipients: p.recipients ?? '' });
  if (p.stack !== undefined) return p.company !== undefined ? t('alert.target.stackOfClient', { stack: p.stack, company: p.company }) : t('alert.target.stack', { stack: p.stack });
  if (p.company !== undefined) return t('alert.target.client', { company: p.company });
  return alert.key;
}

export function paramLabel(name: string): string {
  const key = `alert.param.${name}` as MessageKey;
  const label = t(key);
  return label === key ? name : label;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Facts in reading order (jsonb keeps its keys sorted by length); the others follow. */
const ORDER = ['company', 'stack', 'environment', 'orchestrator', 'stacks', 'deploymentId', 'step', 'emailId', 'template', 'recipients', 'resource', 'used', 'limit', 'url', 'downSince', 'restartedAt', 'instanceState', 'since', 'error', 'detail', 'reason'];
const rank = (name: string) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);

export interface AlertFact {
  name: string;
  label: string;
  value: string;
}

/** The parameters as labelled facts: empty ones left out, dates in French, long values shortened. */
export function alertFactRows(alert: AlertText): AlertFact[] {
  const entries = Object.entries(alert.params).sort(([a], [b]) => rank(a) - rank(b));
  return entries.filter(([, value]) => value !== '').map(([name, value]) => {
    const text = typeof value === 'string' && ISO_DATE.test(value) ? format.dateTime(new Date(value)) : String(value);
    return { name, label: paramLabel(name), value: text.length > VALUE_MAX ? `${text.slice(0, VALUE_MAX - 1)}…` : text };
  });
}

/** The same as [label, value] rows (e-mail and webhook). */
export function alertFacts(alert: AlertText): [string, string][] {
  return alertFactRows(alert).map((f) => [f.label, f.value]);
}

export function noticeSubject(notice: NoticeKind, alert: AlertText): string {
  return t(`alert.notice.${notice}.subject`, { title: alertTitle(alert.kind), target: alertTarget(alert) });
}

export function alertUrl(publicUrl: string, id: number): string {
  return `${publicUrl}/admin/alertes/${id}`;
}
