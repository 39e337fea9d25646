/**
 * Provisioner settings, read from the environment once at the edge (Functions app settings or
 * `local.settings.json`) and validated with one schema, so everything behind it receives typed values.
 */
import { z } from "zod";

/** Validated provisioner settings. */
export interface ProvisionerConfig {
  /**
   * The subscriptions environments may be built in, lower-case (`PROVISIONER_SUBSCRIPTION_IDS`, plus
   * `PROVISIONER_SUBSCRIPTION_ID`, the older single-subscription setting). A spec naming any other is
   * refused at the edge, and no client is ever built for one. Empty only in emulator mode, where it means
   * every subscription (the emulator serves any). At least one is required against Azure.
   */
  readonly subscriptionIds: readonly string[];
  /** AAD tenant (`PROVISIONER_TENANT_ID`). @default - the credential's own tenant */
  readonly tenantId?: string;
  /**
   * Object id of the principal the provisioner runs as (`PROVISIONER_PRINCIPAL_ID`); granted the roles on
   * Key Vault and the cluster that the provisioner needs. It must be the principal its credential
   * authenticates as (in emulator mode: the emulator's managed identity; `npm start` sets both to
   * {@link LOCAL_STACK_PRINCIPAL_ID}). No default: planning fails without it.
   */
  readonly principalId?: string;
  /**
   * ARM endpoint override (`PROVISIONER_ARM_ENDPOINT`). When set, the provisioner runs in
   * **emulator mode**: clients talk to this origin with emulator tokens.
   * @default - real Azure, `https://management.azure.com`
   */
  readonly armEndpoint?: string;
  /** PEM file of the CA that signed the emulator's certificate (`PROVISIONER_CA_CERT_PATH`). */
  readonly caCertPath?: string;
  /** CIDR ranges allowed through Key Vault and AKS API firewalls (`PROVISIONER_ALLOWED_IP_RANGES`, comma-separated). @default [] */
  readonly allowedIpRanges: readonly string[];
  /**
   * Interval between status checks of a running operation, in milliseconds (`PROVISIONER_POLL_INTERVAL_MS`).
   * @default - the resource type's `pollIntervalSec` from the latency model (Retry-After always wins)
   */
  readonly pollIntervalMs?: number;
  /**
   * How long preflight keeps what does not change per subscription and region (subscription state,
   * providers, permissions, versions, SKUs, capabilities), in seconds (`PROVISIONER_PREFLIGHT_CACHE_SEC`);
   * 0 reads them for every spec. @default 300
   */
  readonly preflightCacheSec: number;
  /**
   * True when {@link armEndpoint} is set: tokens come from the managed identity at `IDENTITY_ENDPOINT`
   * (the emulator's), TLS trusts {@link caCertPath}.
   */
  readonly emulatorMode: boolean;
}

/**
 * The principal the local stack (`npm start`) provisions as: the emulator's managed identity is created
 * with this object id and the app gets it as `PROVISIONER_PRINCIPAL_ID`; `envctl plan` uses it when
 * `PROVISIONER_PRINCIPAL_ID` is unset, so offline plans match what the local stack builds.
 */
export const LOCAL_STACK_PRINCIPAL_ID = "00000000-0000-0000-0000-00000000a11c";

/** Thrown when the environment holds invalid settings; lists every problem with its variable name. */
export class ConfigError extends Error {
  readonly isConfigError = true as const;
  constructor(readonly problems: readonly string[]) {
    super(`Invalid provisioner settings: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

/** True for a {@link ConfigError}, also across duplicate copies of this module. */
export function isConfigError(error: unknown): error is ConfigError {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { isConfigError?: unknown }).isConfigError === true
  );
}

// Empty strings are how local.settings.json leaves a setting unset, so treat them as absent.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    schema.optional(),
  );

const guid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a GUID");
const cidr = /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const settingsSchema = z.object({
  PROVISIONER_SUBSCRIPTION_ID: optional(guid),
  PROVISIONER_SUBSCRIPTION_IDS: optional(
    z
      .string()
      .transform((value) => value.split(/[\s,]+/).filter((id) => id !== ""))
      .refine((ids) => ids.every((id) => GUID.test(id)), "must be subscription GUIDs separated by commas"),
  ),
  PROVISIONER_TENANT_ID: optional(guid),
  PROVISIONER_PRINCIPAL_ID: optional(guid),
  PROVISIONER_ARM_ENDPOINT: optional(
    z
      .url()
      .refine((value) => value.startsWith("https://"), "must be https:// (ARM clients refuse plain http)"),
  ),
  PROVISIONER_CA_CERT_PATH: optional(z.string()),
  PROVISIONER_ALLOWED_IP_RANGES: optional(
    z
      .string()
      .transform((value) =>
        value
          .split(",")
          .map((range) => range.trim())
          .filter((range) => range !== ""),
      )
      .refine(
        (ranges) => ranges.every((range) => cidr.test(range)),
        "must be comma-separated IPv4 CIDR ranges",
      ),
  ),
  PROVISIONER_POLL_INTERVAL_MS: optional(z.coerce.number().int().min(1).max(600_000)),
  PROVISIONER_PREFLIGHT_CACHE_SEC: optional(z.coerce.number().int().min(0).max(3600)),
});

/**
 * The settings {@link loadConfig} reads, straight from its schema: the deployment template must set each
 * one or say why not (test/deploy/template.test.ts).
 */
export const PROVISIONER_SETTING_NAMES: readonly string[] = Object.keys(settingsSchema.shape);

/**
 * Reads and validates the provisioner settings.
 * @param env - the variables to read @default process.env
 * @throws ConfigError naming every invalid or missing setting
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ProvisionerConfig {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`));
  }
  const s = parsed.data;
  const emulatorMode = s.PROVISIONER_ARM_ENDPOINT !== undefined;
  const problems: string[] = [];
  const subscriptionIds = [
    ...new Set(
      [
        ...(s.PROVISIONER_SUBSCRIPTION_IDS ?? []),
        ...(s.PROVISIONER_SUBSCRIPTION_ID ? [s.PROVISIONER_SUBSCRIPTION_ID] : []),
      ].map((id) => id.toLowerCase()),
    ),
  ];
  if (!emulatorMode && subscriptionIds.length === 0) {
    problems.push(
      "PROVISIONER_SUBSCRIPTION_IDS (or PROVISIONER_SUBSCRIPTION_ID) is required unless PROVISIONER_ARM_ENDPOINT selects the emulator: name the subscriptions environments may be built in",
    );
  }
  if (!emulatorMode && s.PROVISIONER_CA_CERT_PATH !== undefined) {
    problems.push(
      "PROVISIONER_CA_CERT_PATH only applies with PROVISIONER_ARM_ENDPOINT (real Azure uses public CAs)",
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    subscriptionIds,
    tenantId: s.PROVISIONER_TENANT_ID,
    principalId: s.PROVISIONER_PRINCIPAL_ID,
    armEndpoint: s.PROVISIONER_ARM_ENDPOINT?.replace(/\/+$/, ""),
    caCertPath: s.PROVISIONER_CA_CERT_PATH,
    allowedIpRanges: s.PROVISIONER_ALLOWED_IP_RANGES ?? [],
    pollIntervalMs: s.PROVISIONER_POLL_INTERVAL_MS,
    preflightCacheSec: s.PROVISIONER_PREFLIGHT_CACHE_SEC ?? 300,
    emulatorMode,
  };
}

/**
 * True when `config` lets environments be built in `subscriptionId`: it is on the allow-list, or the
 * list is empty (emulator mode only: every subscription).
 */
export function isSubscriptionAllowed(config: ProvisionerConfig, subscriptionId: string): boolean {
  return config.subscriptionIds.length === 0 || config.subscriptionIds.includes(subscriptionId.toLowerCase());
}
