// Subscriptions: the resource (inside a client, or alone) and its change (PATCH /subscriptions/{id}).
import Type, { type Static } from 'typebox';
import { subscriptionStatuses } from '../../../db/schema.ts';
import { PLAN_IDS } from '../../../plans/plan.ts';
import { MAX_TRIAL_EXTENSION_DAYS } from '../../../subscriptions/subscription-changes.service.ts';
import { DateTime, nullable, stringEnum } from './common.schemas.ts';

export const Subscription = Type.Object({
  id: Type.Integer(),
  clientId: Type.Integer(),
  plan: stringEnum(PLAN_IDS),
  status: stringEnum(subscriptionStatuses),
  priceCents: nullable(Type.Integer({ description: 'Prix mensuel HT en centimes d’euro, fixé à la souscription ou au changement d’offre ; null : sur devis' })),
  trialEndsAt: nullable(DateTime),
  startedAt: DateTime,
  endedAt: Type.Union([DateTime, Type.Null()], { description: 'Fin de l’abonnement ; null : l’abonnement en cours du client' }),
  convertedAt: Type.Union([DateTime, Type.Null()], { description: 'Passage de l’essai à une offre payante' }),
  cgvAcceptedAt: DateTime,
}, { additionalProperties: false });
export type SubscriptionView = Static<typeof Subscription>;

export const SubscriptionIdParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Identifiant de l’abonnement' }),
}, { additionalProperties: false });

export const UpdateSubscriptionBody = Type.Object({
  plan: Type.Optional(stringEnum(PLAN_IDS, {
    description: 'Changer d’offre. Une offre payante convertit l’essai (statut active) ; l’instance est redéployée avec les limites de la nouvelle offre (ou reprise si elle était suspendue).',
  })),
  extendTrialDays: Type.Optional(Type.Integer({
    minimum: 1, maximum: MAX_TRIAL_EXTENSION_DAYS,
    description: 'Prolonger l’essai d’autant de jours, depuis sa fin (ou depuis aujourd’hui s’il a expiré : l’instance suspendue est reprise). Demande aussi la portée stacks:write.',
  })),
  status: Type.Optional(Type.Literal('cancelled', { description: 'Résilier : l’instance est suspendue, ses données gardées.' })),
}, {
  additionalProperties: false, minProperties: 1, maxProperties: 1,
  description: 'Une seule modification par requête : `{"plan": "pro"}`, `{"extendTrialDays": 15}` ou `{"status": "cancelled"}`.',
});
export type UpdateSubscriptionBody = Static<typeof UpdateSubscriptionBody>;
