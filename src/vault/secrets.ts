// Secrets generated for each customer stack. Alphabets are letters and digits only, so a value can be pasted
// unquoted into a Compose .env file, a YAML scalar, a shell command or a connection URL without escaping.
import { randomInt } from 'node:crypto';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

export const ALPHANUMERIC = LOWER + UPPER + DIGITS;

// Typed by hand once by a non-technical person: drop the characters that look alike in common fonts.
const AMBIGUOUS = /[0Oo1lI]/g;
export const HUMAN_LOWER = LOWER.replace(AMBIGUOUS, '');
export const HUMAN_UPPER = UPPER.replace(AMBIGUOUS, '');
export const HUMAN_DIGITS = DIGITS.replace(AMBIGUOUS, '');
export const HUMAN_ALPHABET = HUMAN_LOWER + HUMAN_UPPER + HUMAN_DIGITS;

export const DATABASE_PASSWORD_LENGTH = 32; // ~190 bits
export const SECRET_KEY_LENGTH = 64; // ~381 bits
export const INITIAL_PASSWORD_LENGTH = 14; // ~81 bits from 56 symbols, still short enough to type

export interface StackSecrets {
  databasePassword: string;
  secretKey: string;
  initialPassword: string;
}

/**
 * `length` characters drawn independently and uniformly from `alphabet`.
 * crypto.randomInt uses rejection sampling, so there is no modulo bias.
 */
export function randomString(length: number, alphabet: string): string {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`randomString: length must be a non-negative integer, got ${length}`);
  }
  const symbols = Array.from(alphabet);
  // A repeated symbol would silently be drawn twice as often.
  if (symbols.length < 2 || new Set(symbols).size !== symbols.length) {
    throw new RangeError('randomString: alphabet must hold at least 2 distinct characters, none repeated');
  }
  let out = '';
  for (let i = 0; i < length; i++) out += symbols[randomInt(symbols.length)];
  return out;
}

/**
 * A human-friendly password with at least one lower-case letter, one upper-case letter and one digit.
 * Drawing again until the classes are present (rather than forcing one of each at fixed places) keeps the
 * result uniform over all valid passwords; about 1 draw in 6 is rejected.
 */
export function generateInitialPassword(length = INITIAL_PASSWORD_LENGTH): string {
  if (length < 3) throw new RangeError('generateInitialPassword: length must be at least 3');
  for (;;) {
    const candidate = randomString(length, HUMAN_ALPHABET);
    if (hasEvery(candidate, [HUMAN_LOWER, HUMAN_UPPER, HUMAN_DIGITS])) return candidate;
  }
}

export function generateStackSecrets(): StackSecrets {
  return {
    databasePassword: randomString(DATABASE_PASSWORD_LENGTH, ALPHANUMERIC),
    secretKey: randomString(SECRET_KEY_LENGTH, ALPHANUMERIC),
    initialPassword: generateInitialPassword(),
  };
}

function hasEvery(value: string, classes: string[]): boolean {
  return classes.every((chars) => Array.from(value).some((c) => chars.includes(c)));
}
