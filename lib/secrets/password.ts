/** Generation of service passwords. */
import { randomInt } from "node:crypto";

const UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const LOWER = "abcdefghijkmnopqrstuvwxyz";
const DIGITS = "23456789";
// URL-unreserved symbols only, so the password fits in a connection URI without escaping.
const SYMBOLS = "-_.~";
const CLASSES = [UPPER, LOWER, DIGITS, SYMBOLS] as const;

/** Azure PostgreSQL flexible server password length limits. */
export const POSTGRES_PASSWORD_MIN_LENGTH = 8;
export const POSTGRES_PASSWORD_MAX_LENGTH = 128;

/**
 * A crypto-random password meeting Azure PostgreSQL flexible server's complexity rules: 8–128
 * characters with characters of at least three of upper case, lower case, digits and symbols (this one
 * always has all four), and never containing the admin login.
 * @param length - number of characters @default 32
 * @param login - the admin login the password must not contain
 */
export function generatePostgresPassword(length = 32, login?: string): string {
  if (
    !Number.isInteger(length) ||
    length < POSTGRES_PASSWORD_MIN_LENGTH ||
    length > POSTGRES_PASSWORD_MAX_LENGTH
  ) {
    throw new RangeError(
      `password length must be an integer from ${POSTGRES_PASSWORD_MIN_LENGTH} to ${POSTGRES_PASSWORD_MAX_LENGTH}`,
    );
  }
  // Bounded: a 32-character random string contains a given login with negligible probability.
  for (let attempt = 0; attempt < 100; attempt++) {
    const all = CLASSES.join("");
    const chars = CLASSES.map((set) => pick(set));
    while (chars.length < length) chars.push(pick(all));
    shuffle(chars);
    const password = chars.join("");
    if (!login || !password.toLowerCase().includes(login.toLowerCase())) return password;
  }
  throw new Error("could not generate a password that avoids the login");
}

/** True when `password` meets Azure PostgreSQL's rules (length, three of four character classes, no login). */
export function meetsPostgresPasswordRules(password: string, login?: string): boolean {
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  return (
    password.length >= POSTGRES_PASSWORD_MIN_LENGTH &&
    password.length <= POSTGRES_PASSWORD_MAX_LENGTH &&
    classes >= 3 &&
    (!login || !password.toLowerCase().includes(login.toLowerCase()))
  );
}

function pick(set: string): string {
  return set.charAt(randomInt(set.length));
}

function shuffle(items: string[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j] as string, items[i] as string];
  }
}
