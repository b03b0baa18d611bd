// The original system's two routes (shared/reference/original-system.md, seed §8), kept as deprecated
// aliases of v1: POST /api/stacks/create took { client_name, email, plan } and answered the stack name
// and credentials. Creation is now asynchronous: the password is not known yet when it answers.
import Type, { type Static } from 'typebox';
import { PLAN_IDS } from '../../../plans/plan.ts';
import { EFFECTIFS } from '../../../signup/signup-form.ts';
import { stringEnum } from './common.schemas.ts';
import { Deployment } from './deployments.schemas.ts';
import { Stack } from './stacks.schemas.ts';

export const LegacyCreateBody = Type.Object({
  client_name: Type.String({ minLength: 1, maxLength: 100, description: 'Nom de l’entreprise ; aussi le prénom par défaut, d’où l’identifiant de connexion' }),
  email: Type.String({ minLength: 3, maxLength: 254 }),
  plan: stringEnum(PLAN_IDS),
  nom: Type.Optional(Type.String({ maxLength: 100 })),
  prenom: Type.Optional(Type.String({ maxLength: 100 })),
  telephone: Type.Optional(Type.String({ maxLength: 30 })),
  effectif: Type.Optional(stringEnum(EFFECTIFS)),
}, { additionalProperties: false });
export type LegacyCreateBody = Static<typeof LegacyCreateBody>;

export const LegacyCreated = Type.Object({
  status: Type.Literal('success'),
  stack_name: Type.String(),
  credentials: Type.Object({
    username: Type.String(),
  }, { additionalProperties: false, description: 'Le mot de passe n’est plus renvoyé ici : GET /api/v1/deployments/{id} le transmet une fois, avec la portée secrets:read' }),
  stack: Stack,
  deployment: Deployment,
}, { additionalProperties: false });
