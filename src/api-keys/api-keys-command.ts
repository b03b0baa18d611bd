// `erpbtp api-keys create|list|revoke`: the operator's way to issue a key before anyone can sign in
// to the dashboard (or from a script). Acts as the platform, named « ligne de commande » in the audit log.
import { parseArgs } from 'node:util';
import type { Actor } from '../audit/actor.ts';
import type { Database } from '../db/database.ts';
import { apiScopes } from '../db/schema.ts';
import { format, t } from '../i18n/index.ts';
import { expiryAfterDay } from './api-key-expiry.ts';
import { apiKeyState, createApiKeysService } from './api-keys.service.ts';

export type Print = (line: string) => void;
type Command = { kind: 'create'; name: string; scopes: string[]; expires?: string } | { kind: 'list' } | { kind: 'revoke'; id: number };

function parse(argv: string[]): Command | undefined {
  try {
    const { positionals, values } = parseArgs({
      args: argv, allowPositionals: true,
      options: { name: { type: 'string' }, scopes: { type: 'string' }, expires: { type: 'string' } },
    });
    const [, sub, arg, extra] = positionals;
    if (extra !== undefined) return undefined;
    if (sub === 'create' && !arg && values.name && values.scopes) {
      return { kind: 'create', name: values.name, scopes: values.scopes.split(',').map((s) => s.trim()).filter(Boolean), expires: values.expires };
    }
    if (sub === 'list' && !arg) return { kind: 'list' };
    if (sub === 'revoke' && arg && /^[1-9]\d{0,15}$/.test(arg)) return { kind: 'revoke', id: Number(arg) };
  } catch {
    // An unknown option: the usage says what is expected.
  }
  return undefined;
}

/** Parses the command; a usage error is printed and its exit code returned instead of a runner. */
export function prepareApiKeysCommand(argv: string[], print: Print): ((database: Database) => Promise<number>) | number {
  const command = parse(argv);
  const expiresAt = command?.kind === 'create' && command.expires !== undefined ? expiryAfterDay(command.expires) : undefined;
  if (!command) {
    console.error(t('api.cli.usage', { scopes: apiScopes.join(', ') }));
    return 2;
  }
  if (command.kind === 'create' && command.expires !== undefined && !expiresAt) {
    console.error(t('api.cli.invalidExpiry'));
    return 2;
  }
  const actor: Actor = { type: 'system', label: t('api.cli.actor') };
  return async ({ db }) => {
    const keys = createApiKeysService({ db });
    if (command.kind === 'list') {
      const rows = await keys.list(actor);
      if (rows.length === 0) print(t('api.cli.list.empty'));
      for (const row of rows) {
        print(t('api.cli.list.line', {
          id: row.id, name: row.name, prefix: row.prefix, scopes: row.scopes.join(','),
          expiresAt: row.expiresAt ? format.dateTime(row.expiresAt) : t('admin.apiKeys.noExpiry'),
          lastUsedAt: row.lastUsedAt ? format.dateTime(row.lastUsedAt) : t('admin.apiKeys.never'),
          state: t(`admin.apiKeys.state.${apiKeyState(row, new Date())}`),
        }));
      }
      return 0;
    }
    if (command.kind === 'revoke') {
      const done = (await keys.revoke(actor, command.id)) === 'done';
      (done ? print : console.error)(t(done ? 'api.cli.revoked' : 'api.cli.notFound', { id: command.id }));
      return done ? 0 : 1;
    }
    const result = await keys.create(actor, { name: command.name, scopes: command.scopes, expiresAt: expiresAt ?? null });
    if (result.status === 'invalid') {
      for (const problem of result.problems) console.error(t(`admin.apiKeys.new.error.${problem}`));
      return 1;
    }
    print(t('api.cli.created', { name: result.apiKey.name, id: result.apiKey.id, scopes: result.apiKey.scopes.join(', ') }));
    print(`  ${result.key}`);
    return 0;
  };
}
