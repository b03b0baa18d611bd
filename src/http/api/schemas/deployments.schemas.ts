// Deployments: one operation on a stack (create, suspend, resume, redeploy, delete), its steps and events.
import Type, { type Static } from 'typebox';
import { deploymentKinds, deploymentStates, stepStatuses } from '../../../db/schema.ts';
import { DateTime, nullable, StackName, stringEnum } from './common.schemas.ts';

export const Credentials = Type.Object({
  username: Type.String(),
  password: Type.String({ description: 'Mot de passe provisoire : l’utilisateur le change à sa première connexion' }),
  url: nullable(Type.String()),
}, { additionalProperties: false, description: 'Identifiants initiaux : transmis une seule fois, avec la portée secrets:read' });

export const DeploymentStep = Type.Object({
  name: Type.String(),
  status: stringEnum(stepStatuses),
  attempt: Type.Integer(),
  startedAt: nullable(DateTime),
  finishedAt: nullable(DateTime),
}, { additionalProperties: false });

export const Deployment = Type.Object({
  id: Type.Integer(),
  kind: stringEnum(deploymentKinds),
  state: stringEnum(deploymentStates),
  attempt: Type.Integer(),
  stack: StackName,
  currentStep: nullable(Type.String()),
  failedStep: nullable(Type.String()),
  error: nullable(Type.String({ description: 'Cause de l’échec, pour l’exploitation' })),
  createdAt: DateTime,
  startedAt: nullable(DateTime),
  finishedAt: nullable(DateTime),
  steps: Type.Array(DeploymentStep),
  credentials: Type.Optional(Credentials),
}, { additionalProperties: false });
export type DeploymentView = Static<typeof Deployment>;

export const DeploymentEvent = Type.Object({
  id: Type.Integer({ description: 'Croissant : reprendre après cet identifiant (`after`, ou Last-Event-ID en flux)' }),
  step: nullable(Type.String()),
  code: Type.String({ description: 'Code stable de l’évènement', examples: ['deployment.event.queued'] }),
  message: Type.String({ description: 'Message en français' }),
  createdAt: DateTime,
}, { additionalProperties: false });
export type DeploymentEventView = Static<typeof DeploymentEvent>;

export const DeploymentEvents = Type.Object({
  state: stringEnum(deploymentStates),
  events: Type.Array(DeploymentEvent),
}, { additionalProperties: false });

export const DeploymentEventsQuery = Type.Object({
  after: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Seulement les évènements après celui-ci' })),
}, { additionalProperties: false });
export type DeploymentEventsQuery = Static<typeof DeploymentEventsQuery>;

export const EVENT_STREAM_DESCRIPTION = 'Avec « Accept: text/event-stream » : un flux Server-Sent Events. Chaque évènement est '
  + '`event: progress` (data : un DeploymentEvent, id : son identifiant) ; `event: end` (data : {"state": …}) clôt le flux '
  + 'quand le déploiement est terminé. Reprise avec l’en-tête Last-Event-ID.';
