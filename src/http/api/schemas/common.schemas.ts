// Pieces every API route uses: problem details (RFC 9457), response helpers that say which media
// type each answer has, and the small building blocks of the resource schemas.
import Type, { type TSchema } from 'typebox';

/** A string among `values`: `enum` for the documentation, the literal union for TypeScript. */
export function stringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export function nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

export const DateTime = Type.String({ format: 'date-time' });

export const Problem = Type.Object({
  type: Type.String({ description: 'URI du type de problème : https://erp-btp.fr/problemes/<code>' }),
  title: Type.String({ description: 'Résumé du type de problème, en français' }),
  status: Type.Integer({ minimum: 400, maximum: 599 }),
  detail: Type.Optional(Type.String({ description: 'Explication de cette occurrence, en français' })),
  instance: Type.Optional(Type.String({ description: 'Chemin de la requête' })),
  code: Type.String({ description: 'Code stable (anglais), à utiliser dans les programmes', examples: ['stack-not-found'] }),
  errors: Type.Optional(Type.Array(Type.Object({
    field: Type.String({ description: 'Champ concerné : `email`, `query.limit`, `headers.idempotency-key`…' }),
    message: Type.String(),
  }, { additionalProperties: false }))),
}, { additionalProperties: false, description: 'Problème (RFC 9457)' });

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Paramètres de chemin ou de requête, en-têtes ou JSON invalides (`invalid-request`, `malformed-body`, `invalid-cursor`)',
  401: 'Clé absente, inconnue, expirée ou révoquée (`unauthenticated`, `invalid-key`, `key-expired`, `key-revoked`)',
  403: 'La clé n’a pas la portée demandée (`insufficient-scope`)',
  404: 'Ressource introuvable',
  406: 'Format de réponse demandé (Accept) indisponible',
  409: 'Conflit avec l’état de la ressource',
  413: 'Corps de plus de 64 Ko',
  415: 'Corps qui n’est pas du JSON',
  422: 'Corps contraire au schéma ou aux règles (`validation-failed`…)',
  429: 'Limite de requêtes par minute de la clé atteinte (`rate-limited`, voir Retry-After)',
};

/** A problem response, in its own media type. */
export function problem(status: number, description = PROBLEM_DESCRIPTIONS[status] ?? 'Erreur') {
  return { description, content: { 'application/problem+json': { schema: Problem } } };
}

/** The answers every authenticated route may give besides its own. */
export const AUTH_PROBLEMS = { 401: problem(401), 403: problem(403), 429: problem(429) };

/** A JSON answer, with the headers it carries. */
export function json<T extends TSchema>(description: string, schema: T, headers?: Record<string, TSchema>) {
  return { description, content: { 'application/json': { schema } }, ...(headers ? { headers } : {}) };
}

export const LOCATION_HEADER = { location: Type.String({ description: 'Adresse du déploiement à suivre' }) };

/** Stack names are slugs (provisioning/orchestrator.ts): anything else cannot name a stack. */
export const StackName = Type.String({ pattern: '^[a-z][a-z0-9-]{0,39}$', description: 'Nom de l’instance (slug unique)', examples: ['martin-renovation'] });
export const StackNameParams = Type.Object({ name: StackName }, { additionalProperties: false });

export const DeploymentIdParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Identifiant du déploiement' }),
}, { additionalProperties: false });

/** Shared by every route that reads or writes a client: clients, subscriptions, stacks (attach). */
export const CLIENT_ERASED = problem(410, 'Client dont les données personnelles ont été effacées à sa demande (`client-erased`) : seul un enregistrement anonyme reste');
