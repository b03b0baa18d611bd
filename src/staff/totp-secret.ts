/** A TOTP secret is encrypted by the vault, bound to its account: copied to another row, it does not decrypt. */
export function totpAssociatedData(userId: number): string {
  return `admin_user:${userId}:totp_secret`;
}
