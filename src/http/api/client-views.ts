// Client rows to API representations, field by field: the response schemas are allow-lists, and so are these.
import type { ClientDetail, ClientPage, ClientQuotas } from '../../clients/client-accounts.service.ts';
import type { ClientErasure } from '../../clients/client-erasure.service.ts';
import type { ClientExport } from '../../clients/client-export.service.ts';
import type { ClientRow } from '../../clients/clients.repository.ts';
import type { StackRow } from '../../provisioning/stacks.repository.ts';
import type { SubscriptionRow } from '../../subscriptions/subscriptions.repository.ts';
import { deploymentView } from './api-views.ts';
import type {
  ClientErasureView, ClientExportView, ClientListView, ClientQuotasView, ClientStackView, ClientSummaryView, ClientView,
} from './schemas/clients.schemas.ts';
import type { SubscriptionView } from './schemas/subscriptions.schemas.ts';

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

function contactView(c: ClientRow) {
  return {
    id: c.id, nom: c.nom, prenom: c.prenom, entreprise: c.entreprise, email: c.email, telephone: c.telephone,
    effectif: c.effectif as ClientView['effectif'], createdAt: c.createdAt.toISOString(),
  };
}

export function subscriptionView(s: SubscriptionRow): SubscriptionView {
  return {
    id: s.id, clientId: s.clientId, plan: s.plan as SubscriptionView['plan'], status: s.status, priceCents: s.priceCents,
    trialEndsAt: iso(s.trialEndsAt), startedAt: s.startedAt.toISOString(), endedAt: iso(s.endedAt), convertedAt: iso(s.convertedAt),
    cgvAcceptedAt: s.cgvAcceptedAt.toISOString(),
  };
}

function clientStackView(s: StackRow): ClientStackView {
  return {
    name: s.name, url: s.url, desiredState: s.desiredState, observedState: s.observedState,
    createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString(),
  };
}

export function clientListView(page: ClientPage): ClientListView {
  return {
    items: page.items.map(({ client, subscription }): ClientSummaryView => ({ ...contactView(client), subscription: subscription && subscriptionView(subscription) })),
    nextCursor: page.nextCursor,
  };
}

export function clientView({ client, subscriptions, stacks }: ClientDetail): ClientView {
  return { ...contactView(client), subscriptions: subscriptions.map(subscriptionView), stacks: stacks.map(clientStackView) };
}

export function clientErasureView(e: ClientErasure): ClientErasureView {
  return { id: e.clientId, erasedAt: e.erasedAt.toISOString(), deployments: e.deployments.map((d) => deploymentView(d.summary, d.steps)) };
}

export function clientQuotasView(q: ClientQuotas): ClientQuotasView {
  return { plan: q.plan as ClientQuotasView['plan'], reportedAt: iso(q.reportedAt), ...q.resources };
}

export function clientExportView(e: ClientExport): ClientExportView {
  return {
    exportedAt: e.exportedAt.toISOString(),
    client: contactView(e.client),
    consents: e.subscriptions.map((s) => ({ subscriptionId: s.id, cgvAcceptedAt: s.cgvAcceptedAt.toISOString(), ip: s.consentIp })),
    subscriptions: e.subscriptions.map(subscriptionView),
    stacks: e.stacks.map(clientStackView),
    deployments: e.deployments.map((d) => ({ ...d, createdAt: d.createdAt.toISOString(), finishedAt: iso(d.finishedAt) })),
    emails: e.emails.map((m) => ({
      id: m.id, kind: m.template, subject: m.subject, recipients: m.recipients, status: m.status, createdAt: m.createdAt.toISOString(), sentAt: iso(m.sentAt),
    })),
    usage: e.usage.map((u) => ({ ...u, reportedAt: u.reportedAt.toISOString() })),
    contactMessages: e.contactMessages.map((m) => ({
      id: m.id, nom: m.nom, email: m.email, entreprise: m.entreprise, telephone: m.telephone, sujet: m.sujet, message: m.message, ip: m.ip,
      createdAt: m.createdAt.toISOString(),
    })),
    audit: e.audit.map((a) => ({
      id: a.id, createdAt: a.createdAt.toISOString(), action: a.action, actorType: a.actorType,
      target: a.targetType === null ? null : { type: a.targetType, id: a.targetId ?? '' },
      details: Object.entries(a.details).map(([name, value]) => ({ name, value })),
    })),
  };
}
