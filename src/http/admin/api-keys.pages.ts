// « Clés d’API » (owners and admins): list the keys, create one (shown once), revoke one. Each write is audited
// by the service.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { expiryAfterDay } from '../../api-keys/api-key-expiry.ts';
import { type ApiKeyProblem, apiKeyState, type ApiKeysService } from '../../api-keys/api-keys.service.ts';
import { readStrings } from '../../forms/form-fields.ts';
import { t } from '../../i18n/index.ts';
import { replyError } from '../errors.ts';
import { actorOf, noticeOf, redirectWithNotice, renderAdmin } from './admin-request.ts';
import { apiKeysBody, type ApiKeysPageOptions } from './views/api-keys.views.ts';

const FIELD_OF: Record<ApiKeyProblem, string> = { name: 'name', scopes: 'scopes', expiry: 'expiresAt' };

/** Checked boxes arrive as one string or, several, as an array. */
function scopesOf(body: unknown): string[] {
  const raw = (body && typeof body === 'object' ? (body as Record<string, unknown>).scopes : undefined);
  return (Array.isArray(raw) ? raw : [raw]).filter((s): s is string => typeof s === 'string').slice(0, 20);
}

export async function apiKeysPages(app: FastifyInstance, deps: { apiKeys: ApiKeysService }): Promise<void> {
  const route = { config: { permission: 'api-keys:manage' as const } };

  async function render(request: FastifyRequest, reply: FastifyReply, extra: Partial<ApiKeysPageOptions>, status = 200) {
    const now = new Date();
    const keys = (await deps.apiKeys.list(actorOf(request))).map((key) => ({ ...key, state: apiKeyState(key, now) }));
    const body = (csrfToken: string) => apiKeysBody({ keys, csrfToken, notice: noticeOf(request), ...extra });
    return renderAdmin(request, reply, { title: t('admin.apiKeys.title'), section: 'apiKeys', body, hasErrors: status >= 400 }, status);
  }

  app.get('/cles-api', route, (request, reply) => render(request, reply, {}));

  app.post('/cles-api', route, async (request, reply) => {
    const values = readStrings(request.body, 300);
    const scopes = scopesOf(request.body);
    const expiresAtText = values.expiresAt?.trim() ?? '';
    const expiresAt = expiresAtText ? expiryAfterDay(expiresAtText) : null;
    const result = expiresAt === undefined
      ? { status: 'invalid' as const, problems: ['expiry' as const] }
      : await deps.apiKeys.create(actorOf(request), { name: values.name ?? '', scopes, expiresAt });
    if (result.status === 'created') return render(request, reply, { created: { name: result.apiKey.name, key: result.key } }, 201);
    const errors = result.problems.map((problem) => ({ field: FIELD_OF[problem], message: t(`admin.apiKeys.new.error.${problem}`) }));
    return render(request, reply, { form: { values: { name: values.name, scopes, expiresAt: expiresAtText }, errors } }, 422);
  });

  app.post('/cles-api/:id/revoquer', route, async (request, reply) => {
    const id = Number((request.params as { id: string }).id);
    if (!Number.isSafeInteger(id) || id <= 0) return replyError(request, reply, 404);
    const result = await deps.apiKeys.revoke(actorOf(request), id);
    if (result === 'not-found') return replyError(request, reply, 404);
    return redirectWithNotice(reply, '/admin/cles-api', 'apiKeyRevoked');
  });
}
