/**
 * A short-lived cache of what does not change from one spec to the next within minutes: a subscription's
 * state and its registered providers, the caller's permissions, what a region offers (Kubernetes versions,
 * VM SKUs and their restrictions, PostgreSQL capabilities). Usages, names and live resources are never
 * cached: they change with every build. Concurrent loads of one key share one request, so a queue batch of
 * twenty specs in one region reads its SKUs once.
 */

/**
 * How long an entry is kept, in milliseconds, when the cache is built without one (the app's default of
 * `PROVISIONER_PREFLIGHT_CACHE_SEC`).
 */
export const PREFLIGHT_CACHE_TTL_MS = 5 * 60_000;

/** The cache; one per process (the app context holds it). */
export class PreflightCache {
  private readonly entries = new Map<string, { readonly value: Promise<unknown>; expiresAtMs: number }>();

  /**
   * @param ttlMs - how long an entry is kept @default {@link PREFLIGHT_CACHE_TTL_MS}
   * @param now - the clock, in epoch milliseconds @default Date.now
   */
  constructor(
    private readonly ttlMs: number = PREFLIGHT_CACHE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The value under `key`, loaded (and kept, when `keep` says so) on a miss. A failed load is not kept.
   * @returns the value and whether it was loaded now (an ARM read) or came from the cache
   */
  async get<T>(
    key: string,
    load: () => Promise<T>,
    keep: (value: T) => boolean = () => true,
  ): Promise<{ value: T; loaded: boolean }> {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAtMs > this.now()) return { value: (await entry.value) as T, loaded: false };
    const value = load();
    this.entries.set(key, { value, expiresAtMs: this.now() + this.ttlMs });
    try {
      const loaded = await value;
      if (!keep(loaded)) this.entries.delete(key);
      return { value: loaded, loaded: true };
    } catch (error) {
      this.entries.delete(key);
      throw error;
    }
  }

  /** Forgets every entry (a registration started: the provider's state is about to change). */
  forget(key: string): void {
    this.entries.delete(key);
  }
}
