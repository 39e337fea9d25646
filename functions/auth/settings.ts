/**
 * Who may call the API, as settings: whether callers sign in with Microsoft Entra ID (`entra`) or the
 * function key alone decides (`keys`), the tenant and audience tokens must be issued for, whether App
 * Service Authentication's headers are trusted, which groups may act on which organisation, and which
 * organisations queued requests may target. Read once per process from the app settings; invalid values
 * are a {@link ConfigError}, so every request is refused until they are fixed (fail closed).
 */
import { ConfigError } from "../../lib/config";

/** How callers are authenticated. */
export type AuthMode = "entra" | "keys";

/** Where the mode came from, for the start-up log. */
export type AuthModeSource = "setting" | "azure" | "local";

/** Microsoft Entra ID sign-in settings. */
export interface EntraSignIn {
  /** The tenant whose tokens are accepted (`PROVISIONER_AUTH_TENANT_ID`, else `PROVISIONER_TENANT_ID`). */
  readonly tenantId: string;
  /** Authority host, `https://login.microsoftonline.com` unless `PROVISIONER_AUTH_AUTHORITY` says otherwise. */
  readonly authority: string;
  /** The only accepted `iss`: `<authority>/<tenant>/v2.0`, as Entra's v2.0 discovery document names it. */
  readonly issuer: string;
  /** OpenID Connect discovery document of {@link issuer}. */
  readonly discoveryUrl: string;
  /** Accepted `aud` values: the API's client id (what v2.0 tokens carry) and, optionally, its application ID URI. */
  readonly audiences: readonly string[];
  /**
   * Whether `X-MS-CLIENT-PRINCIPAL` (App Service Authentication) is believed (`PROVISIONER_AUTH_EASY_AUTH=true`).
   * Only App Service's front end can set that header, and only while authentication is on there; without
   * it anyone can send the header, so it is ignored unless this is set. @default false
   */
  readonly trustEasyAuth: boolean;
}

/** All the access settings. */
export interface AccessSettings {
  readonly mode: AuthMode;
  readonly modeSource: AuthModeSource;
  /** Whether the app runs on App Service / Azure Functions in Azure (its platform variables are set). */
  readonly onAzure: boolean;
  /** Set when {@link mode} is `entra`. */
  readonly entra?: EntraSignIn;
  /**
   * Group object ids per organisation (`PROVISIONER_ORG_GROUPS`, JSON `{ "acme": ["<group id>", …] }`;
   * the key `*` stands for every organisation). `undefined` when unset: then no organisation is open to
   * a signed-in caller (fail closed).
   */
  readonly orgGroups?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Authority of the public cloud. */
export const DEFAULT_AUTHORITY = "https://login.microsoftonline.com";

/** Key of {@link AccessSettings.orgGroups} that opens every organisation to its groups. */
export const ANY_ORG = "*";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ORG_NAME = /^[a-z0-9-]{1,15}$/;

const present = (value: string | undefined): string | undefined =>
  value !== undefined && value.trim() !== "" ? value.trim() : undefined;

/**
 * Whether the process runs on App Service or Azure Functions in Azure: the platform sets
 * `WEBSITE_SITE_NAME` (the app's name) and `WEBSITE_INSTANCE_ID` (the instance) in every app's
 * environment (docs/auth.md#where-sign-in-is-on).
 */
export function runsOnAzure(env: Readonly<Record<string, string | undefined>>): boolean {
  return present(env.WEBSITE_SITE_NAME) !== undefined || present(env.WEBSITE_INSTANCE_ID) !== undefined;
}

function parseOrgGroups(text: string, problems: string[]): Map<string, ReadonlySet<string>> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    problems.push('PROVISIONER_ORG_GROUPS must be JSON: { "<org_name>": ["<group object id>", …] }');
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    problems.push('PROVISIONER_ORG_GROUPS must be a JSON object: { "<org_name>": ["<group object id>", …] }');
    return undefined;
  }
  const map = new Map<string, ReadonlySet<string>>();
  for (const [org, groups] of Object.entries(parsed)) {
    if (org !== ANY_ORG && !ORG_NAME.test(org)) {
      problems.push(
        `PROVISIONER_ORG_GROUPS: "${org}" is not an org_name (1–15 of a-z, 0-9, -) or "${ANY_ORG}"`,
      );
      continue;
    }
    if (!Array.isArray(groups) || !groups.every((group) => typeof group === "string" && GUID.test(group))) {
      problems.push(`PROVISIONER_ORG_GROUPS: "${org}" must list group object ids (GUIDs)`);
      continue;
    }
    map.set(org, new Set(groups.map((group: string) => group.toLowerCase())));
  }
  return map;
}

/**
 * Reads the access settings.
 * @throws ConfigError naming every invalid or missing setting
 */
export function loadAccessSettings(
  env: Readonly<Record<string, string | undefined>> = process.env,
): AccessSettings {
  const problems: string[] = [];
  const onAzure = runsOnAzure(env);
  const given = present(env.PROVISIONER_AUTH)?.toLowerCase();
  if (given !== undefined && given !== "entra" && given !== "keys") {
    problems.push("PROVISIONER_AUTH must be entra (callers sign in with Microsoft Entra ID) or keys");
  }
  // On Azure sign-in is on unless a setting turns it off; locally the function key alone decides.
  const mode: AuthMode = given === "keys" || given === "entra" ? given : onAzure ? "entra" : "keys";
  const modeSource: AuthModeSource = given !== undefined ? "setting" : onAzure ? "azure" : "local";
  const orgGroupsText = present(env.PROVISIONER_ORG_GROUPS);
  const orgGroups = orgGroupsText === undefined ? undefined : parseOrgGroups(orgGroupsText, problems);
  let entra: EntraSignIn | undefined;
  if (mode === "entra") {
    const tenantId = present(env.PROVISIONER_AUTH_TENANT_ID) ?? present(env.PROVISIONER_TENANT_ID);
    const authority = (present(env.PROVISIONER_AUTH_AUTHORITY) ?? DEFAULT_AUTHORITY).replace(/\/+$/, "");
    const audiences = (present(env.PROVISIONER_AUTH_AUDIENCE) ?? "")
      .split(",")
      .map((audience) => audience.trim())
      .filter((audience) => audience !== "");
    if (tenantId === undefined || !GUID.test(tenantId)) {
      problems.push(
        "PROVISIONER_AUTH_TENANT_ID (or PROVISIONER_TENANT_ID) must be the tenant id (a GUID) whose tokens the API accepts",
      );
    }
    if (!/^https:\/\/[^/?#]+$/.test(authority)) {
      problems.push(
        "PROVISIONER_AUTH_AUTHORITY must be an https:// origin such as https://login.microsoftonline.com",
      );
    }
    if (audiences.length === 0) {
      problems.push(
        "PROVISIONER_AUTH_AUDIENCE must name the API's application (client) id, the aud of its v2.0 access tokens",
      );
    }
    const trust = present(env.PROVISIONER_AUTH_EASY_AUTH)?.toLowerCase();
    if (trust !== undefined && trust !== "true" && trust !== "false") {
      problems.push("PROVISIONER_AUTH_EASY_AUTH must be true or false");
    }
    const issuer = `${authority}/${tenantId ?? ""}/v2.0`;
    entra = {
      tenantId: tenantId ?? "",
      authority,
      issuer,
      discoveryUrl: `${issuer}/.well-known/openid-configuration`,
      audiences,
      trustEasyAuth: trust === "true",
    };
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { mode, modeSource, onAzure, ...(entra ? { entra } : {}), ...(orgGroups ? { orgGroups } : {}) };
}

/**
 * Organisations queued requests may target (`PROVISIONER_QUEUE_ORGS`): a message carries no caller, so
 * whoever may send to the queue (its RBAC) may act on these. Empty or `*`: every organisation.
 * @throws ConfigError for a name that cannot be an org_name
 */
export function loadQueueOrgs(
  env: Readonly<Record<string, string | undefined>> = process.env,
): "all" | ReadonlySet<string> {
  const text = present(env.PROVISIONER_QUEUE_ORGS);
  if (text === undefined || text === ANY_ORG) return "all";
  const orgs = text
    .split(",")
    .map((org) => org.trim())
    .filter((org) => org !== "");
  const invalid = orgs.filter((org) => !ORG_NAME.test(org));
  if (invalid.length > 0) {
    throw new ConfigError([
      `PROVISIONER_QUEUE_ORGS: ${invalid.map((org) => `"${org}"`).join(", ")} cannot be an org_name (1–15 of a-z, 0-9, -); list org_names comma-separated, or * for all`,
    ]);
  }
  return new Set(orgs);
}
