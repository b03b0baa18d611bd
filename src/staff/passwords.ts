// Staff passwords: argon2id (OWASP's first choice), with the library's defaults (19 MiB, 2 passes),
// about 20-60 ms here. A sign-in with an unknown e-mail still verifies a hash, so timing does not
// tell which accounts exist.
import { hash, verify } from '@node-rs/argon2';

const MIN_LENGTH = 12;
const MAX_LENGTH = 256;
let dummyHash: Promise<string> | undefined;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) {
    dummyHash ??= hash('not a real password, only spends the same time');
    await verify(await dummyHash, password);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}

export type PasswordProblem = 'tooShort' | 'tooLong' | 'sameAsEmail' | 'mismatch';

/** A long password is what matters (NIST SP 800-63B): no composition rules, a minimum length. */
export function checkNewPassword(password: string, confirmation: string, email: string): PasswordProblem | undefined {
  if (password.length < MIN_LENGTH) return 'tooShort';
  if (password.length > MAX_LENGTH) return 'tooLong';
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) return 'sameAsEmail';
  if (password !== confirmation) return 'mismatch';
  return undefined;
}
