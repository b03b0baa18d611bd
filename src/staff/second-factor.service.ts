// The TOTP second factor of a staff account: enrolment proven by a first code, secret stored
// encrypted by the vault, turned off only with the password.
import type { Db } from '../db/database.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Cipher } from '../vault/cipher.ts';
import type { AccountsService, StaffActor } from './accounts.service.ts';
import { updateStaff } from './staff.repository.ts';
import { acceptTotpCode, newTotpSecret, totpEnrolment } from './totp.ts';
import { totpAssociatedData } from './totp-secret.ts';

/** 20 random bytes in base32. */
const TOTP_SECRET = /^[A-Z2-7]{32}$/;

export function createSecondFactorService(deps: { db: Db; cipher: Cipher; accounts: AccountsService; now: () => Date }) {
  const { db, now } = deps;

  /** A secret to scan (fresh, or the one being enrolled); it is stored only once a code from the app proves the enrolment. */
  async function startTotpEnrolment(actor: StaffActor, pending?: string): Promise<{ secret: string; uri: string; qrCode: string }> {
    const secret = pending && TOTP_SECRET.test(pending) ? pending : newTotpSecret();
    return { secret, ...(await totpEnrolment(secret, actor.label)) };
  }

  async function confirmTotp(actor: StaffActor, secret: string, code: string): Promise<boolean> {
    if (!TOTP_SECRET.test(secret)) return false;
    const step = acceptTotpCode(secret, actor.label, code, null, now().getTime());
    if (step === undefined) return false;
    await updateStaff(db, actor.id, { totpSecret: deps.cipher.encrypt(secret, totpAssociatedData(actor.id)), totpLastStep: step });
    await recordAudit(db, actor, { action: 'staff.totpEnabled', target: { type: 'staff', id: actor.id } });
    return true;
  }

  async function disableTotp(actor: StaffActor, password: string): Promise<boolean> {
    if (!(await deps.accounts.confirmPassword(actor, password))) return false;
    await updateStaff(db, actor.id, { totpSecret: null, totpLastStep: null });
    await recordAudit(db, actor, { action: 'staff.totpDisabled', target: { type: 'staff', id: actor.id } });
    return true;
  }

  return { startTotpEnrolment, confirmTotp, disableTotp };
}

export type SecondFactorService = ReturnType<typeof createSecondFactorService>;
