// Clients: the resource, its list, the change of its contact details, its RGPD export and erasure, its quotas.
import Type, { type Static } from 'typebox';
import { auditActorTypes, emailStatuses, stackDesiredStates, stackObservedStates, subscriptionStatuses } from '../../../db/schema.ts';
import { PLAN_IDS } from '../../../plans/plan.ts';
import { EFFECTIFS } from '../../../signup/signup-form.ts';
import { DateTime, nullable, StackName, stringEnum } from './common.schemas.ts';
import { Deployment } from './deployments.schemas.ts';
import { CreateStackBody, StackList, StackListQuery } from './stacks.schemas.ts';
import { Subscription } from './subscriptions.schemas.ts';

export const ClientIdParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Identifiant du client' }),
}, { additionalProperties: false });

/** The contact details, named as the trial form (and POST /stacks) names them. */
const contact = {
  nom: Type.String(),
  prenom: Type.String(),
  entreprise: Type.String(),
  email: Type.String(),
  telephone: Type.String({ description: 'Au format E.164 (+33612345678) ; vide si inconnu' }),
  effectif: stringEnum(EFFECTIFS),
};

export const ClientStack = Type.Object({
  name: StackName,
  url: nullable(Type.String()),
  desiredState: stringEnum(stackDesiredStates),
  observedState: stringEnum(stackObservedStates),
  createdAt: DateTime,
  updatedAt: DateTime,
}, { additionalProperties: false, description: 'Une instance du client (les instances supprimées restent, à l’état deleted)' });
export type ClientStackView = Static<typeof ClientStack>;

export const ClientSummary = Type.Object({
  id: Type.Integer(),
  ...contact,
  createdAt: DateTime,
  subscription: nullable(Subscription),
}, { additionalProperties: false, description: 'Un client et son abonnement en cours' });
export type ClientSummaryView = Static<typeof ClientSummary>;

export const ClientList = Type.Object({
  items: Type.Array(ClientSummary),
  nextCursor: StackList.properties.nextCursor,
}, { additionalProperties: false });
export type ClientListView = Static<typeof ClientList>;

export const ClientListQuery = Type.Object({
  search: Type.Optional(Type.String({
    minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f\\u007f]*$', description: 'Dans le nom de l’entreprise, le nom, le prénom ou l’adresse e-mail',
  })),
  status: Type.Optional(stringEnum(subscriptionStatuses, { description: 'Statut de l’abonnement en cours' })),
  plan: Type.Optional(stringEnum(PLAN_IDS, { description: 'Offre de l’abonnement en cours' })),
  cursor: StackListQuery.properties.cursor,
  limit: StackListQuery.properties.limit,
}, { additionalProperties: false });
export type ClientListQuery = Static<typeof ClientListQuery>;

export const Client = Type.Object({
  id: Type.Integer(),
  ...contact,
  createdAt: DateTime,
  subscriptions: Type.Array(Subscription, { description: 'Du plus récent au plus ancien ; l’abonnement en cours n’a pas de fin (endedAt null)' }),
  stacks: Type.Array(ClientStack),
}, { additionalProperties: false });
export type ClientView = Static<typeof Client>;

const { nom, prenom, email, entreprise, telephone, effectif } = CreateStackBody.properties;
export const UpdateClientBody = Type.Object({ nom, prenom, entreprise, email, telephone, effectif }, {
  additionalProperties: false, minProperties: 1,
  description: 'Les champs à changer, et eux seuls. Chacun est vérifié et normalisé comme dans le formulaire d’essai du site '
    + '(adresse e-mail valide, non jetable, domaine en minuscules ; numéro de téléphone français, enregistré au format E.164).',
});
export type UpdateClientBody = Static<typeof UpdateClientBody>;

export const ClientErasure = Type.Object({
  id: Type.Integer(),
  erasedAt: DateTime,
  deployments: Type.Array(Deployment, { description: 'Le dernier déploiement de suppression de chaque instance du client' }),
}, { additionalProperties: false });
export type ClientErasureView = Static<typeof ClientErasure>;

const ResourceUsage = (description: string) => Type.Object({
  used: Type.Integer({ minimum: 0, description: 'D’après le dernier relevé de l’instance ; 0 avant le premier' }),
  limit: nullable(Type.Integer({ minimum: 0, description: 'null : illimité' })),
  percent: nullable(Type.Integer({ minimum: 0, description: 'Part de la limite utilisée ; null : illimité' })),
  state: stringEnum(['ok', 'warning', 'exceeded'] as const, { description: 'warning : 80 % de la limite atteints ; exceeded : limite atteinte' }),
}, { additionalProperties: false, description });

export const ClientQuotas = Type.Object({
  plan: nullable(stringEnum(PLAN_IDS, { description: 'Offre de l’abonnement en cours, dont viennent les limites' })),
  reportedAt: nullable(Type.String({ format: 'date-time', description: 'Dernier relevé d’utilisation de l’instance ; null : aucun' })),
  users: ResourceUsage('Utilisateurs'),
  projects: ResourceUsage('Chantiers'),
  storage: ResourceUsage('Stockage, en octets (1 Go = 1024³ octets)'),
}, { additionalProperties: false });
export type ClientQuotasView = Static<typeof ClientQuotas>;

const AuditValue = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

export const ClientExport = Type.Object({
  exportedAt: DateTime,
  client: Type.Object({ id: Type.Integer(), ...contact, createdAt: DateTime }, { additionalProperties: false }),
  consents: Type.Array(Type.Object({
    subscriptionId: Type.Integer(),
    cgvAcceptedAt: DateTime,
    ip: Type.String({ description: 'Adresse IP d’où les conditions générales de vente ont été acceptées' }),
  }, { additionalProperties: false }), { description: 'Acceptation des conditions générales de vente, pour chaque abonnement' }),
  subscriptions: Type.Array(Subscription),
  stacks: Type.Array(ClientStack),
  deployments: Type.Array(Type.Object({
    id: Type.Integer(), stack: StackName, kind: Deployment.properties.kind, state: Deployment.properties.state, createdAt: DateTime, finishedAt: nullable(DateTime),
  }, { additionalProperties: false })),
  emails: Type.Array(Type.Object({
    id: Type.Integer(),
    kind: Type.String({ description: 'Modèle de l’e-mail', examples: ['welcome'] }),
    subject: nullable(Type.String()),
    recipients: Type.Array(Type.String()),
    status: stringEnum(emailStatuses),
    createdAt: DateTime,
    sentAt: nullable(DateTime),
  }, { additionalProperties: false }), { description: 'Les e-mails envoyés au client ou à son sujet : objet et dates, jamais le contenu' }),
  usage: Type.Array(Type.Object({
    stack: StackName, users: Type.Integer(), projects: Type.Integer(), storageBytes: Type.Integer(), reportedAt: DateTime,
  }, { additionalProperties: false }), { description: 'Relevés d’utilisation des instances' }),
  contactMessages: Type.Array(Type.Object({
    id: Type.Integer(),
    nom: Type.String(),
    email: Type.String(),
    entreprise: nullable(Type.String()),
    telephone: nullable(Type.String()),
    sujet: Type.String(),
    message: Type.String(),
    ip: Type.String(),
    createdAt: DateTime,
  }, { additionalProperties: false }), { description: 'Messages du formulaire de contact envoyés avec une adresse du client' }),
  audit: Type.Array(Type.Object({
    id: Type.Integer(),
    createdAt: DateTime,
    action: Type.String({ examples: ['subscription.planChanged'] }),
    actorType: stringEnum(auditActorTypes),
    target: nullable(Type.Object({ type: Type.String(), id: Type.String() }, { additionalProperties: false })),
    details: Type.Array(Type.Object({ name: Type.String(), value: AuditValue }, { additionalProperties: false })),
  }, { additionalProperties: false }), { description: 'Ce que le journal d’audit dit du client' }),
}, { additionalProperties: false, description: 'Toutes les données personnelles du client détenues par la plateforme (droit d’accès, RGPD)' });
export type ClientExportView = Static<typeof ClientExport>;

export const EXPORT_HEADERS = {
  'content-disposition': Type.String({ description: 'attachment; filename="client-<id>.json"' }),
};
