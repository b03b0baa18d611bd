// `erpbtp admin create --email … [--name …] [--role owner]`: creates a staff account from the
// terminal (the first owner of a production platform) and prints its one-time activation link.
import { parseArgs } from 'node:util';
import { SYSTEM_ACTOR } from '../audit/actor.ts';
import type { Database } from '../db/database.ts';
import { format, t } from '../i18n/index.ts';
import { createAccountsService } from './accounts.service.ts';

export type Print = (line: string) => void;

/** Parses the command; a usage error is printed and its exit code returned instead of a runner. */
export function prepareAdminCommand(argv: string[], publicUrl: string, print: Print): ((database: Database) => Promise<number>) | number {
  let values;
  try {
    const parsed = parseArgs({
      args: argv, allowPositionals: true,
      options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', default: 'owner' } },
    });
    if (parsed.positionals[1] !== 'create' || parsed.positionals.length > 2 || !parsed.values.email) throw new Error('usage');
    values = parsed.values;
  } catch {
    console.error(t('admin.cli.usage'));
    return 2;
  }
  const input = { email: values.email!, name: values.name ?? values.email!.split('@')[0]!, role: values.role! };
  return async ({ db }) => {
    const accounts = createAccountsService({ db, now: () => new Date(), publicUrl });
    const result = await accounts.createAccount(SYSTEM_ACTOR, input);
    if (result.status === 'invalid') {
      for (const problem of result.problems) console.error(t(`admin.staff.new.error.${problem}`));
      return 1;
    }
    print(t('admin.cli.created', { email: result.user.email, role: t(`admin.role.${result.user.role}`) }));
    print(t('admin.cli.link', { date: format.dateTime(result.expiresAt) }));
    print(`  ${result.setupUrl}`);
    return 0;
  };
}
