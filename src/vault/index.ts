// Public API of the vault: secret generation and encryption of secrets at rest (DESIGN §9).
export {
  generateStackSecrets, generateInitialPassword, randomString, type StackSecrets,
} from './secrets.ts';
export { KeyRing, loadKeyRing, addKey, parseMasterKey, type LoadKeyRingOptions, type VaultLogger } from './key-ring.ts';
export { createCipher, type Cipher } from './cipher.ts';
export { keyFilePath } from './key-file.ts';
export { VaultError, type VaultErrorCode } from './vault-error.ts';
