// Stacks (tenant instances): the resource, its list, its live status, its creation and operations.
import Type, { type Static } from 'typebox';
import { stackDesiredStates, stackObservedStates, subscriptionStatuses } from '../../../db/schema.ts';
import { PLAN_IDS } from '../../../plans/plan.ts';
import { EFFECTIFS } from '../../../signup/signup-form.ts';
import { DateTime, nullable, StackName, stringEnum } from './common.schemas.ts';
import { Deployment } from './deployments.schemas.ts';

export const Stack = Type.Object({
  name: StackName,
  url: nullable(Type.String({ description: 'Adresse de l’ERP du client, connue une fois le nom et le port réservés' })),
  desiredState: stringEnum(stackDesiredStates),
  observedState: stringEnum(stackObservedStates),
  plan: nullable(stringEnum(PLAN_IDS)),
  subscriptionStatus: nullable(stringEnum(subscriptionStatuses)),
  client: Type.Object({ id: Type.Integer(), company: Type.String() }, { additionalProperties: false }),
  createdAt: DateTime,
  updatedAt: DateTime,
}, { additionalProperties: false });
export type StackView = Static<typeof Stack>;

export const StackList = Type.Object({
  items: Type.Array(Stack),
  nextCursor: nullable(Type.String({ description: 'À passer en `cursor` pour la page suivante ; null : dernière page' })),
}, { additionalProperties: false });
export type StackListView = Static<typeof StackList>;

// No control characters: they have no place in a search, and PostgreSQL refuses NUL.
const SEARCH_PATTERN = '^[^\\u0000-\\u001f\\u007f]*$';

export const StackListQuery = Type.Object({
  status: Type.Optional(stringEnum(stackObservedStates, { description: 'État observé' })),
  plan: Type.Optional(stringEnum(PLAN_IDS)),
  search: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: SEARCH_PATTERN, description: 'Dans le nom de l’instance ou de l’entreprise' })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$', description: 'Curseur opaque rendu par la page précédente' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
}, { additionalProperties: false });
export type StackListQuery = Static<typeof StackListQuery>;

const Container = Type.Object({
  name: Type.String(),
  state: stringEnum(['running', 'starting', 'unhealthy', 'exited', 'missing'] as const),
  status: Type.String({ description: 'Détail de l’orchestrateur, par exemple « Up 5 minutes (healthy) »' }),
}, { additionalProperties: false });

export const StackStatus = Type.Object({
  name: StackName,
  url: nullable(Type.String()),
  desiredState: stringEnum(stackDesiredStates),
  observedState: stringEnum(stackObservedStates),
  instance: nullable(Type.Object({
    state: Container.properties.state,
    containers: Type.Array(Container),
  }, { additionalProperties: false, description: 'Vue de l’orchestrateur à l’instant ; null s’il n’a pas répondu à temps (voir instanceError)' })),
  instanceError: nullable(Type.String()),
  health: Type.Object({
    status: nullable(stringEnum(['healthy', 'unhealthy', 'alerted'] as const, { description: 'Dernier résultat de la surveillance' })),
    checkedAt: nullable(DateTime),
    consecutiveFailures: Type.Integer(),
    lastRecordedCheck: nullable(Type.Object({
      ok: Type.Boolean(),
      checkedAt: DateTime,
      httpStatus: nullable(Type.Integer()),
      latencyMs: nullable(Type.Integer()),
      instanceState: nullable(Type.String()),
    }, { additionalProperties: false, description: 'Dernier contrôle conservé dans l’historique (échantillonné)' })),
  }, { additionalProperties: false }),
  currentDeployment: nullable(Type.Object({
    id: Type.Integer(), kind: Deployment.properties.kind, state: Deployment.properties.state,
  }, { additionalProperties: false, description: 'Opération en cours, s’il y en a une' })),
}, { additionalProperties: false });
export type StackStatusView = Static<typeof StackStatus>;

export const CreateStackBody = Type.Object({
  clientId: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Client existant : son instance est créée sur son abonnement en cours' })),
  nom: Type.Optional(Type.String({ maxLength: 100 })),
  prenom: Type.Optional(Type.String({ maxLength: 100 })),
  email: Type.Optional(Type.String({ maxLength: 254 })),
  entreprise: Type.Optional(Type.String({ maxLength: 100 })),
  telephone: Type.Optional(Type.String({ maxLength: 30, description: 'Numéro français, dans toute écriture usuelle' })),
  effectif: Type.Optional(stringEnum(EFFECTIFS)),
  plan: Type.Optional(stringEnum(PLAN_IDS, { description: 'Par défaut : essai (nouveau client) ou l’offre en cours (client existant)' })),
  cgv: Type.Optional(Type.Literal(true, { description: 'Le client a accepté les conditions générales de vente' })),
}, {
  additionalProperties: false,
  description: 'Soit `clientId` (client existant), soit les champs du formulaire d’essai du site : nom, prenom, email, entreprise, telephone, effectif, cgv (et plan).',
});
export type CreateStackBody = Static<typeof CreateStackBody>;

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({
    minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$',
    description: 'Même clé et même corps dans les 24 h : même réponse, sans seconde création ; même clé, autre corps : 422',
  })),
});

export const StackAccepted = Type.Object({ stack: Stack, deployment: Deployment }, { additionalProperties: false });
export type StackAcceptedView = Static<typeof StackAccepted>;
