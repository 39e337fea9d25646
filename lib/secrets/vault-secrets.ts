/**
 * Reading and writing Key Vault secrets from activities: idempotent (a value already there is not
 * written again), patient with a new vault's data plane (firewall and RBAC take minutes to propagate),
 * and never returning a value to anything that crosses an orchestration.
 */
import type { SecretClient } from "@azure/keyvault-secrets";
import { classifyAzureError, isAzureError } from "../azure/errors";

/** Where a secret lives. */
export interface SecretLocation {
  /** ARM id of the vault. */
  readonly vaultId: string;
  /** Secret name. */
  readonly secretName: string;
}

/** What a step reports about a secret: its name and version, never its value. */
export interface SecretReference {
  readonly name: string;
  readonly version: string;
  /** Whether this call wrote a new version (false: the value was already current). */
  readonly written: boolean;
}

/** Retry of data-plane calls refused while access propagates. */
export interface PropagationRetryOptions {
  /** Total time to keep retrying, in milliseconds. */
  readonly budgetMs: number;
  /** First wait, in milliseconds. @default budgetMs / 30, at least 1 and at most 2000 */
  readonly firstDelayMs?: number;
  /** Sleep function (tests). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `call`, retrying with exponential back-off (×2, at most 15 s per wait) while it fails with a
 * retryable authorization error — Key Vault's 403 `ForbiddenByFirewall` / `ForbiddenByRbac` right
 * after a vault or role assignment is created (docs/azure-facts.md#failure-case-7) — until `budgetMs` is spent; then the
 * classified error is thrown, still retryable, for the orchestration's retry profile to continue.
 */
export async function withPropagationRetry<T>(
  call: () => Promise<T>,
  options: PropagationRetryOptions,
  target?: string,
): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  const deadline = Date.now() + options.budgetMs;
  let delay = options.firstDelayMs ?? Math.min(2000, Math.max(1, Math.floor(options.budgetMs / 30)));
  // Bounded by the budget; the attempt cap guards against a sleep that does not advance time.
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const classified = classifyAzureError(error, target);
      const propagating = classified.kind === "authorization" && classified.retryable;
      if (!propagating || Date.now() + delay > deadline || attempt >= 50) throw classified;
      await sleep(delay);
      delay = Math.min(delay * 2, 15_000);
    }
  }
}

/**
 * Reads a secret's current value and version.
 * @returns undefined when the secret does not exist
 */
export async function readSecret(
  client: SecretClient,
  name: string,
  retry: PropagationRetryOptions,
): Promise<{ value: string; version: string } | undefined> {
  try {
    const secret = await withPropagationRetry(() => client.getSecret(name), retry, name);
    return { value: secret.value ?? "", version: secret.properties.version ?? "" };
  } catch (error) {
    if (isAzureError(error) && error.kind === "notFound") return undefined;
    throw error;
  }
}

/**
 * Makes `name` hold `value`: reads it first and writes a new version only when the value differs, so a
 * re-run writes nothing.
 */
export async function ensureSecretValue(
  client: SecretClient,
  name: string,
  value: string,
  retry: PropagationRetryOptions,
): Promise<SecretReference> {
  const current = await readSecret(client, name, retry);
  if (current && current.value === value) return { name, version: current.version, written: false };
  const written = await withPropagationRetry(() => client.setSecret(name, value), retry, name);
  return { name, version: written.properties.version ?? "", written: true };
}

/**
 * Returns the secret's value when it exists, else stores `generate()` and returns that. Used for the
 * PostgreSQL admin password: written before the server is created, so a crash between the two reuses
 * the stored value instead of leaving a server whose password nobody knows.
 */
export async function readOrCreateSecret(
  client: SecretClient,
  name: string,
  generate: () => string,
  retry: PropagationRetryOptions,
): Promise<{ value: string; reference: SecretReference }> {
  const current = await readSecret(client, name, retry);
  if (current) return { value: current.value, reference: { name, version: current.version, written: false } };
  const value = generate();
  const written = await withPropagationRetry(() => client.setSecret(name, value), retry, name);
  return { value, reference: { name, version: written.properties.version ?? "", written: true } };
}
