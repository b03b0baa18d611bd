// Use-cases about accounts: sign in, change one's password, add or remove a colleague.
import type { TenantMessageKey } from '../i18n/index.ts';
import type { LoginThrottle } from '../auth/throttle.ts';
import type { QuotaGate } from '../platform/quotas.ts';
import type { User, UsersRepository } from './users.repository.ts';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  verifyDummy(password: string): Promise<false>;
}

export type FieldErrors<F extends string> = Partial<Record<F, TenantMessageKey>>;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 200;
const USERNAME_PATTERN = /^[\p{L}\p{N}._-]{1,64}$/u;

export type AuthenticateResult = { kind: 'ok'; user: User } | { kind: 'invalid' } | { kind: 'throttled' };

export type ChangePasswordForm = { current: string; next: string; confirmation: string };
export type ChangePasswordResult =
  | { ok: true; sessionVersion: number }
  | { ok: false; errors: FieldErrors<keyof ChangePasswordForm> };

export type CreateUserForm = { username: string; password: string };
export type CreateUserResult =
  | { ok: true; user: User }
  | { ok: false; errors: FieldErrors<keyof CreateUserForm | 'form'>; quota?: { used: number; limit: number; message: string | null } };

export function createUsersService(deps: {
  users: UsersRepository;
  passwords: PasswordHasher;
  throttle: LoginThrottle;
  quotas: QuotaGate;
}) {
  const { users, passwords, throttle } = deps;

  return {
    async authenticate(username: string, password: string): Promise<AuthenticateResult> {
      if (throttle.isBlocked(username)) return { kind: 'throttled' };
      const user = username === '' || password.length > MAX_PASSWORD_LENGTH ? undefined : await users.getWithHashByUsername(username);
      const valid = user ? await passwords.verify(password, user.passwordHash) : await passwords.verifyDummy(password);
      if (!user || !valid) {
        throttle.recordFailure(username);
        return { kind: 'invalid' };
      }
      throttle.reset(username);
      const { passwordHash: _hash, ...safe } = user;
      return { kind: 'ok', user: safe };
    },

    async changePassword(actor: User, form: ChangePasswordForm): Promise<ChangePasswordResult> {
      const errors: FieldErrors<keyof ChangePasswordForm> = {};
      if (form.next.length < MIN_PASSWORD_LENGTH) errors.next = 'password.error.tooShort';
      else if (form.next.length > MAX_PASSWORD_LENGTH) errors.next = 'password.error.tooLong';
      else if (form.confirmation !== form.next) errors.confirmation = 'password.error.mismatch';
      else if (form.next === form.current) errors.next = 'password.error.sameAsCurrent';

      if (form.current === '') errors.current = 'password.error.currentRequired';
      else if (throttle.isBlocked(actor.username)) errors.current = 'login.throttled';
      else {
        const stored = await users.getWithHashById(actor.id);
        if (!stored || !(await passwords.verify(form.current.slice(0, MAX_PASSWORD_LENGTH + 1), stored.passwordHash))) {
          throttle.recordFailure(actor.username);
          errors.current = 'password.error.currentWrong';
        }
      }
      if (Object.keys(errors).length > 0) return { ok: false, errors };

      const sessionVersion = await users.updatePassword(actor.id, await passwords.hash(form.next));
      if (sessionVersion === undefined) return { ok: false, errors: { current: 'password.error.currentWrong' } };
      throttle.reset(actor.username);
      return { ok: true, sessionVersion };
    },

    list: () => users.list(),
    get: (id: string) => users.getById(id),

    async createUser(_actor: User, form: CreateUserForm): Promise<CreateUserResult> {
      const errors: FieldErrors<keyof CreateUserForm> = {};
      if (form.username === '') errors.username = 'users.error.usernameRequired';
      else if (!USERNAME_PATTERN.test(form.username)) errors.username = 'users.error.usernameInvalid';
      if (form.password.length < MIN_PASSWORD_LENGTH) errors.password = 'users.error.passwordTooShort';
      else if (form.password.length > MAX_PASSWORD_LENGTH) errors.password = 'users.error.passwordTooLong';
      if (Object.keys(errors).length > 0) return { ok: false, errors };

      const decision = await deps.quotas.check('users', await users.count());
      if (!decision.allowed) {
        return { ok: false, errors: { form: 'users.error.quota' }, quota: decision };
      }
      const created = await users.create({
        username: form.username,
        passwordHash: await passwords.hash(form.password),
        mustChangePassword: true,
      });
      return created ? { ok: true, user: created } : { ok: false, errors: { username: 'users.error.usernameTaken' } };
    },

    async deleteUser(actor: User, id: string): Promise<'deleted' | 'self' | 'not-found'> {
      if (id === actor.id) return 'self';
      return (await users.delete(id)) ? 'deleted' : 'not-found';
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
