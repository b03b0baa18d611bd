// Secrets: generated once from a CSPRNG, stored only encrypted, each bound to its stack and kind.
import { withTransaction } from '../../db/transaction.ts';
import { hashBearerToken, newBearerToken } from '../../vault/bearer-token.ts';
import { generateStackSecrets } from '../../vault/index.ts';
import { deleteCredentials, getCredential, insertCredentialsIfMissing, listCredentials } from '../credentials.repository.ts';
import { updateStack } from '../deployments.repository.ts';
import { credentialAad } from '../stack-variables.ts';
import type { Step } from './step.ts';

export const secrets: Step = {
  name: 'secrets',
  async run({ deps, stack }) {
    if ((await listCredentials(deps.db, stack.id)).length === 4 && stack.tenantTokenHash) return 'skipped';
    const generated = generateStackSecrets();
    const values = {
      database_password: generated.databasePassword,
      secret_key: generated.secretKey,
      initial_password: generated.initialPassword,
      tenant_token: newBearerToken().token,
    } as const;
    await withTransaction(deps.pool, async ({ tx }) => {
      await insertCredentialsIfMissing(tx, stack.id, Object.entries(values).map(([kind, value]) => {
        const ciphertext = deps.cipher.encrypt(value, credentialAad(stack.id, kind));
        return { kind: kind as keyof typeof values, ciphertext, keyId: deps.cipher.keyIdOf(ciphertext) };
      }));
      // The token kept is whichever was stored first: hash that one.
      const stored = (await getCredential(tx, stack.id, 'tenant_token'))!;
      const token = deps.cipher.decrypt(stored.ciphertext, credentialAad(stack.id, 'tenant_token'));
      await updateStack(tx, stack.id, { tenantTokenHash: hashBearerToken(token) });
    });
    return 'succeeded';
  },
  async compensate({ deps, stack }) {
    await withTransaction(deps.pool, async ({ tx }) => {
      await deleteCredentials(tx, stack.id);
      await updateStack(tx, stack.id, { tenantTokenHash: null });
    });
  },
};
