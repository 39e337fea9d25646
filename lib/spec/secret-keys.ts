/**
 * The keys of a data module's connection facts. Opta named each linked output `<module>_<fact>`
 * (`db_db_host`); services read those names, so they are this service's default Kubernetes Secret keys
 * too, and a spec may rename each (`kubernetes_secret.keys`), as Opta's `links` could.
 */

/** Opta's output names per data module type; each becomes the key `<module>_<fact>`. */
export const OPTA_SECRET_FACTS = {
  postgres: ["db_host", "db_user", "db_password", "db_name"],
  redis: ["cache_host", "cache_auth_token"],
} as const;

/** `<module>_<fact>`: the Kubernetes Secret key Opta's services read. */
export function optaSecretKey(module: string, fact: string): string {
  return `${module}_${fact}`;
}

/** What Kubernetes accepts as a Secret's data key: letters, digits, `-`, `_` and `.`. */
export const KUBERNETES_SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** Longest Secret data key Kubernetes accepts. */
export const KUBERNETES_SECRET_KEY_MAX_LENGTH = 253;
