/**
 * The keys of a data module's connection facts. Opta named each linked output `<module>_<fact>`
 * (`db_db_host`); services read those names, so they are this service's default Kubernetes Secret keys
 * too, and a spec may rename each (`kubernetes_secret.keys`), as Opta's `links` could.
 */

/**
 * Opta's output names per data module type; each becomes the key `<module>_<fact>`. `cache_port` is
 * this service's addition: Azure Managed Redis listens on 10000, Azure Cache for Redis on 6380, so a
 * client can no longer assume the port.
 */
export const OPTA_SECRET_FACTS = {
  postgres: ["db_host", "db_user", "db_password", "db_name"],
  redis: ["cache_host", "cache_port", "cache_auth_token"],
} as const;

/** The fact of an access key, which a cache with Entra authentication (access keys off) does not have. */
export const ACCESS_KEY_FACT = "cache_auth_token";

/** The fact of the administrator password, which a server with Entra authentication does not have. */
export const PASSWORD_FACT = "db_password";

/**
 * The facts of a PostgreSQL server with Entra authentication (`auth: entra`): no password, and what a
 * client needs besides the token — `db_user` is the workload identity's name (the role it logs in as),
 * `db_port` 5432, `db_sslmode` `require` (the server refuses unencrypted connections). This service's
 * addition to Opta's names; servers with passwords keep Opta's four, so re-applying them writes nothing.
 */
export const POSTGRES_ENTRA_FACTS = ["db_host", "db_port", "db_user", "db_name", "db_sslmode"] as const;

/** Every fact a module type may write, whatever its `auth`: the keys a spec may rename. */
export const SECRET_FACTS = {
  postgres: [...OPTA_SECRET_FACTS.postgres, "db_port", "db_sslmode"],
  redis: [...OPTA_SECRET_FACTS.redis],
} as const;

/**
 * The facts a data module writes: its type's, less the credential of a module whose clients use
 * Microsoft Entra ID (`auth: entra`: a cache without its access key; a server without the password,
 * with port and TLS mode). `auth` is absent on records older than it.
 */
export function secretFactsOf(module: {
  readonly type: keyof typeof OPTA_SECRET_FACTS;
  readonly auth?: string;
}): readonly string[] {
  if (module.auth !== "entra") return OPTA_SECRET_FACTS[module.type];
  return module.type === "postgres"
    ? POSTGRES_ENTRA_FACTS
    : OPTA_SECRET_FACTS.redis.filter((fact) => fact !== ACCESS_KEY_FACT);
}

/** `<module>_<fact>`: the Kubernetes Secret key Opta's services read. */
export function optaSecretKey(module: string, fact: string): string {
  return `${module}_${fact}`;
}

/** What Kubernetes accepts as a Secret's data key: letters, digits, `-`, `_` and `.`. */
export const KUBERNETES_SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** Longest Secret data key Kubernetes accepts. */
export const KUBERNETES_SECRET_KEY_MAX_LENGTH = 253;
