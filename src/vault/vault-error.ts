// One error type for every vault failure. Messages may name key ids, associated data and file paths (none of
// them secret) but never a plaintext, a key or a ciphertext, so they are safe to log and to show to staff.

export type VaultErrorCode =
  | 'invalid_argument' // caller misuse, e.g. empty associated data
  | 'malformed' // not a vault ciphertext string
  | 'unsupported_version' // written by a newer format we do not know
  | 'unknown_key' // key id not in the key ring (key removed, or wrong MASTER_KEY)
  | 'authentication_failed'; // tampered ciphertext, or associated data of another owner/field

export class VaultError extends Error {
  override readonly name = 'VaultError';
  readonly code: VaultErrorCode;

  constructor(code: VaultErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
