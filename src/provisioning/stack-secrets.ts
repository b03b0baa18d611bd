// A stack's stored secret, decrypted: for the few places that must show or send one (welcome e-mail).
import type { Db } from '../db/database.ts';
import type { CredentialKind } from '../db/schema.ts';
import type { Cipher } from '../vault/index.ts';
import { getCredential } from './credentials.repository.ts';
import { credentialAad } from './stack-variables.ts';

export async function readStackSecret(db: Db, cipher: Cipher, stackId: number, kind: CredentialKind): Promise<string> {
  const credential = await getCredential(db, stackId, kind);
  if (!credential) throw new Error(`stack ${stackId} has no ${kind}`);
  return cipher.decrypt(credential.ciphertext, credentialAad(stackId, kind));
}
