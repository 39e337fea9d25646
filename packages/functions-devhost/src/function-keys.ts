/**
 * Function keys as the real host checks them: a key arrives in the `x-functions-key` header or the `code`
 * query parameter; `function` endpoints accept the function key or the master key, `admin` endpoints only
 * the master key, and the Durable extension's webhooks (`system`) the system key or the master key.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Authorization levels: `authLevel` of an HTTP trigger, plus `system` for extension webhooks. */
export type AccessLevel = "anonymous" | "function" | "admin" | "system";

/** The keys one devhost accepts. Secrets: never log them except at start, where the user needs them. */
export interface FunctionKeys {
  /** Accepted by `function` endpoints. */
  readonly function: string;
  /** Accepted by the Durable extension's webhooks; carried in the check-status URLs. */
  readonly system: string;
  /** Accepted everywhere. */
  readonly master: string;
}

/** App settings that fix a key, so URLs and scripts survive restarts. Unset keys are generated at start. */
export const KEY_SETTINGS: Readonly<Record<keyof FunctionKeys, string>> = {
  function: "DEVHOST_FUNCTION_KEY",
  system: "DEVHOST_SYSTEM_KEY",
  master: "DEVHOST_MASTER_KEY",
};

/** Which keys open which level; the master key opens all of them. */
const ACCEPTED_KEYS: Readonly<Record<Exclude<AccessLevel, "anonymous">, readonly (keyof FunctionKeys)[]>> = {
  function: ["function", "master"],
  admin: ["master"],
  system: ["system", "master"],
};

/** A fresh random key: 32 bytes, base64url so it can sit in a `code=` query parameter unescaped. */
export function generateKey(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * The keys to use: explicit ones first, then the {@link KEY_SETTINGS} variables, then generated ones.
 * @returns the keys and which of them were generated (and so must be shown to the user).
 */
export function resolveFunctionKeys(
  explicit: Partial<FunctionKeys> = {},
  env: NodeJS.ProcessEnv = process.env,
): { keys: FunctionKeys; generated: (keyof FunctionKeys)[] } {
  const generated: (keyof FunctionKeys)[] = [];
  const pick = (kind: keyof FunctionKeys): string => {
    const given = explicit[kind] ?? env[KEY_SETTINGS[kind]];
    if (given) return given;
    generated.push(kind);
    return generateKey();
  };
  return { keys: { function: pick("function"), system: pick("system"), master: pick("master") }, generated };
}

/** The key a request presents: the `x-functions-key` header, else the `code` query parameter. */
export function presentedKey(headerValue: string | string[] | undefined, url: URL): string | undefined {
  const header = Array.isArray(headerValue) ? headerValue[0] : headerValue;
  return header || url.searchParams.get("code") || undefined;
}

/** Compares digests so neither the content nor the length of a key leaks through timing. */
function sameKey(presented: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Whether `presented` opens an endpoint of `level`. */
export function isAuthorized(level: AccessLevel, presented: string | undefined, keys: FunctionKeys): boolean {
  if (level === "anonymous") return true;
  if (presented === undefined) return false;
  return ACCEPTED_KEYS[level].some((kind) => sameKey(presented, keys[kind]));
}
