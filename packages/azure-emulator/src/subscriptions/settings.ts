/**
 * What the emulator's subscriptions are like, as admin settings on top of the defaults of
 * `azure-facts/regional-offers.ts`: every subscription exists, is Enabled, belongs to the emulator's
 * tenant, has every provider registered and the identity may do anything in it — until a setting says
 * otherwise, to make Azure refuse: a disabled subscription, one of another tenant, an unregistered
 * provider, restricted permissions, a lowered quota, a name taken outside the emulator, a Kubernetes
 * version, VM size (in a region or zone), PostgreSQL SKU or version, or a resource type (Azure Managed
 * Redis) withdrawn from a region.
 *
 * Set with `POST /__emulator/subscriptions` (merged into what is set) or `admin.configureSubscriptions`;
 * `DELETE` (or `POST /__emulator/reset`) forgets them.
 */
import { z } from "zod";
import {
  ALWAYS_REGISTERED_NAMESPACES,
  PROVIDER_REGISTRATION_SEC,
  normalizeRegion,
} from "../azure-facts/regional-offers.js";

/** Subscription states ARM reports (`Microsoft.Resources` subscriptions API). */
export const SUBSCRIPTION_STATES = ["Enabled", "Warned", "PastDue", "Disabled", "Deleted"] as const;
export type SubscriptionState = (typeof SUBSCRIPTION_STATES)[number];

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

/** One role-definition-like permission entry: what `Microsoft.Authorization/permissions` lists. */
const permissionSchema = z
  .object({
    actions: z.array(z.string()),
    notActions: z.array(z.string()).optional(),
    dataActions: z.array(z.string()).optional(),
    notDataActions: z.array(z.string()).optional(),
  })
  .strict();

const usageOverrideSchema = z
  .object({
    /** Replaces the default limit. */
    limit: z.number().int().min(0).optional(),
    /** Replaces the usage the emulator counts from its resources. */
    currentValue: z.number().int().min(0).optional(),
  })
  .strict();

/** The admin document; every field optional, merged into what is set. */
export const subscriptionSettingsSchema = z
  .object({
    /** Per subscription id: its state, tenant and display name. */
    subscriptions: z
      .record(
        guid,
        z
          .object({
            state: z.enum(SUBSCRIPTION_STATES).optional(),
            tenantId: guid.optional(),
            displayName: z.string().optional(),
          })
          .strict(),
      )
      .optional(),
    /** Per subscription id: namespace ⇒ `NotRegistered` (or `Registered` to undo). */
    providers: z.record(guid, z.record(z.string(), z.enum(["Registered", "NotRegistered"]))).optional(),
    /** Per subscription id: what the identity may do there (default: everything, `*`). */
    permissions: z.record(guid, z.array(permissionSchema)).optional(),
    /** Per subscription id, then region: usage name (`standardDSv5Family`, `cores`, `PublicIPAddresses`, …) ⇒ override. */
    quotas: z.record(guid, z.record(z.string(), z.record(z.string(), usageOverrideSchema))).optional(),
    /** Globally unique names held by someone the emulator does not model (another tenant). */
    takenNames: z.array(z.object({ type: z.string(), name: z.string() }).strict()).optional(),
    /** Offers withdrawn; `subscriptionId` limits one to that subscription (as Azure's restrictions are). */
    withdrawn: z
      .object({
        kubernetesVersions: z
          .array(z.object({ location: z.string(), version: z.string() }).strict())
          .optional(),
        vmSizes: z
          .array(
            z
              .object({
                location: z.string(),
                name: z.string(),
                /** Only in these zones; absent: in the whole region. */
                zones: z.array(z.string()).optional(),
                subscriptionId: guid.optional(),
              })
              .strict(),
          )
          .optional(),
        postgresSkus: z.array(z.object({ location: z.string(), name: z.string() }).strict()).optional(),
        postgresVersions: z
          .array(z.object({ location: z.string(), version: z.string() }).strict())
          .optional(),
        /** A resource type (`Microsoft.Cache/redisEnterprise`) no longer offered in a region: its provider leaves the region out. */
        resourceTypes: z.array(z.object({ location: z.string(), type: z.string() }).strict()).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type SubscriptionSettingsInput = z.infer<typeof subscriptionSettingsSchema>;
type Withdrawn = NonNullable<SubscriptionSettingsInput["withdrawn"]>;
export type Permission = z.infer<typeof permissionSchema>;

/** A provider's registration in one subscription. */
export type RegistrationState = "Registered" | "NotRegistered" | "Registering";

/** The live subscription settings and provider registrations. */
export class SubscriptionSettings {
  private settings: SubscriptionSettingsInput = {};
  /** `subscription|namespace` ⇒ when its registration completes (ms), for registrations under way. */
  private readonly registering = new Map<string, number>();

  /**
   * @param defaultTenantId - the tenant of every subscription no setting moves (the identity's)
   * @param now - the clock @param timeScale - multiplier of Azure durations
   */
  constructor(
    private readonly defaultTenantId: string,
    private readonly now: () => number,
    private readonly timeScale: () => number,
  ) {}

  /** Merges `patch` (validated; throws a ZodError) into the settings. */
  configure(patch: unknown): void {
    const parsed = subscriptionSettingsSchema.parse(patch);
    for (const [id, namespaces] of Object.entries(parsed.providers ?? {})) {
      for (const [namespace, state] of Object.entries(namespaces)) {
        if (state === "NotRegistered" && isAlwaysRegistered(namespace))
          throw new z.ZodError([
            {
              code: "custom",
              path: ["providers", id, namespace],
              message: `${namespace} is registered in every subscription and cannot be unregistered`,
              input: state,
            },
          ]);
        this.registering.delete(key(id, namespace));
      }
    }
    this.settings = mergeSettings(this.settings, parsed);
  }

  /** The settings as set (admin GET). */
  snapshot(): SubscriptionSettingsInput {
    return structuredClone(this.settings);
  }

  reset(): void {
    this.settings = {};
    this.registering.clear();
  }

  /** The subscription's state. @default Enabled */
  stateOf(subscriptionId: string): SubscriptionState {
    return this.subscription(subscriptionId)?.state ?? "Enabled";
  }

  /** The subscription's tenant. @default the identity's */
  tenantOf(subscriptionId: string): string {
    return (this.subscription(subscriptionId)?.tenantId ?? this.defaultTenantId).toLowerCase();
  }

  displayNameOf(subscriptionId: string): string {
    return (
      this.subscription(subscriptionId)?.displayName ?? `Emulated subscription ${subscriptionId.slice(0, 8)}`
    );
  }

  /** A provider's registration state, finishing a registration whose time has come. */
  registrationOf(subscriptionId: string, namespace: string): RegistrationState {
    if (isAlwaysRegistered(namespace)) return "Registered";
    const pending = this.registering.get(key(subscriptionId, namespace));
    if (pending !== undefined) {
      if (this.now() < pending) return "Registering";
      this.registering.delete(key(subscriptionId, namespace));
      this.setProvider(subscriptionId, namespace, "Registered");
    }
    const set = Object.entries(this.providersOf(subscriptionId)).find(
      ([name]) => name.toLowerCase() === namespace.toLowerCase(),
    )?.[1];
    return set ?? "Registered";
  }

  /** Starts registering a provider (a no-op when registered or under way); returns the state after. */
  register(subscriptionId: string, namespace: string): RegistrationState {
    const state = this.registrationOf(subscriptionId, namespace);
    if (state !== "NotRegistered") return state;
    this.registering.set(
      key(subscriptionId, namespace),
      this.now() + PROVIDER_REGISTRATION_SEC * 1000 * this.timeScale(),
    );
    return "Registering";
  }

  /** The identity's permissions in the subscription. @default everything (`*`) */
  permissionsOf(subscriptionId: string): Permission[] {
    return structuredClone(
      this.lookup(this.settings.permissions, subscriptionId) ?? [{ actions: ["*"], notActions: [] }],
    );
  }

  /** True when a setting restricts the identity's permissions in the subscription. */
  restrictsPermissions(subscriptionId: string): boolean {
    return this.lookup(this.settings.permissions, subscriptionId) !== undefined;
  }

  /** The override of one usage in one region, if any. */
  quotaOverride(
    subscriptionId: string,
    location: string,
    usageName: string,
  ): { limit?: number; currentValue?: number } | undefined {
    const regions = this.lookup(this.settings.quotas, subscriptionId) ?? {};
    const region = Object.entries(regions).find(
      ([name]) => normalizeRegion(name) === normalizeRegion(location),
    )?.[1];
    return Object.entries(region ?? {}).find(([name]) => name.toLowerCase() === usageName.toLowerCase())?.[1];
  }

  /** True when a name of `type` is held outside the emulator. */
  isNameTaken(type: string, name: string): boolean {
    return (this.settings.takenNames ?? []).some(
      (taken) =>
        taken.type.toLowerCase() === type.toLowerCase() && taken.name.toLowerCase() === name.toLowerCase(),
    );
  }

  /** The withdrawn offers of `kind` in `location` (and, for VM sizes, that apply to `subscriptionId`). */
  withdrawn<K extends keyof Withdrawn>(
    kind: K,
    location: string,
    subscriptionId?: string,
  ): NonNullable<Withdrawn[K]> {
    const all = (this.settings.withdrawn?.[kind] ?? []) as { location: string; subscriptionId?: string }[];
    return all.filter(
      (entry) =>
        normalizeRegion(entry.location) === normalizeRegion(location) &&
        (entry.subscriptionId === undefined ||
          subscriptionId === undefined ||
          entry.subscriptionId.toLowerCase() === subscriptionId.toLowerCase()),
    ) as NonNullable<Withdrawn[K]>;
  }

  private subscription(subscriptionId: string) {
    return this.lookup(this.settings.subscriptions, subscriptionId);
  }

  private providersOf(subscriptionId: string): Record<string, "Registered" | "NotRegistered"> {
    return this.lookup(this.settings.providers, subscriptionId) ?? {};
  }

  private setProvider(subscriptionId: string, namespace: string, state: "Registered" | "NotRegistered") {
    this.settings = mergeSettings(this.settings, { providers: { [subscriptionId]: { [namespace]: state } } });
  }

  /** A per-subscription entry, ids compared case-insensitively. */
  private lookup<T>(record: Readonly<Record<string, T>> | undefined, subscriptionId: string): T | undefined {
    return Object.entries(record ?? {}).find(
      ([id]) => id.toLowerCase() === subscriptionId.toLowerCase(),
    )?.[1];
  }
}

const key = (subscriptionId: string, namespace: string) =>
  `${subscriptionId.toLowerCase()}|${namespace.toLowerCase()}`;

function isAlwaysRegistered(namespace: string): boolean {
  return ALWAYS_REGISTERED_NAMESPACES.some((name) => name.toLowerCase() === namespace.toLowerCase());
}

/** Maps merge key by key (two levels deep for per-subscription maps); lists replace. */
function mergeSettings(
  base: SubscriptionSettingsInput,
  patch: SubscriptionSettingsInput,
): SubscriptionSettingsInput {
  const merged: SubscriptionSettingsInput = { ...base };
  for (const field of ["subscriptions", "providers", "permissions", "quotas"] as const) {
    const patchField = patch[field] as Record<string, unknown> | undefined;
    if (!patchField) continue;
    const result: Record<string, unknown> = { ...((base[field] as Record<string, unknown>) ?? {}) };
    for (const [id, value] of Object.entries(patchField)) {
      const existing = result[id];
      result[id] =
        field === "permissions" || typeof value !== "object" || value === null || typeof existing !== "object"
          ? value
          : { ...(existing as object), ...(value as object) };
    }
    (merged as Record<string, unknown>)[field] = result;
  }
  if (patch.takenNames) merged.takenNames = patch.takenNames;
  if (patch.withdrawn) merged.withdrawn = { ...(base.withdrawn ?? {}), ...patch.withdrawn };
  return merged;
}
