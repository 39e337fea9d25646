/**
 * Fault injection: rules set at start or at run time (admin API), each matching requests by method,
 * path and resource type, firing with a probability or a fixed number of times (a scripted list is a
 * sequence of `times: 1` rules, consumed in order).
 */
import { z } from "zod";

/** Which requests a rule applies to; every given field must match. */
export const faultMatchSchema = z
  .object({
    /** HTTP method, case-insensitive. */
    method: z.string().optional(),
    /** Regular expression tested case-insensitively against the URL path. */
    path: z.string().optional(),
    /** ARM resource type, case-insensitive, e.g. `Microsoft.Cache/redis`. */
    resourceType: z.string().optional(),
  })
  .strict();

/** What a rule does. Durations are real-Azure seconds, multiplied by the time scale. */
export const faultEffectSchema = z.discriminatedUnion("kind", [
  /** Answer with this HTTP status and an ARM error body; `retryAfterSec` adds `Retry-After`. */
  z.object({
    kind: z.literal("http"),
    status: z.number().int().min(400).max(599),
    code: z.string().optional(),
    message: z.string().optional(),
    retryAfterSec: z.number().int().min(0).optional(),
  }),
  /** The write is accepted but its operation ends `Failed` with this code. */
  z.object({ kind: z.literal("operation-failed"), code: z.string(), message: z.string().optional() }),
  /** The write is accepted but its operation never finishes. */
  z.object({ kind: z.literal("operation-never-finishes") }),
  /** The Key Vault data plane answers 403 ForbiddenByFirewall for this long after a vault is created. */
  z.object({ kind: z.literal("keyvault-firewall-lag"), durationSec: z.number().min(0) }),
  /** An AKS cluster answers writes with 409 OperationNotAllowed for this long after it was created. */
  z.object({ kind: z.literal("aks-busy-after-create"), durationSec: z.number().min(0) }),
  /**
   * The tenant is a new customer of a retiring service: creating a resource of a type that knows how
   * its service refuses them (`newCustomerRefusal`, Azure Cache for Redis) is answered with that refusal.
   * Updates of existing resources go on. Standing (no `times`): the tenant stays a new customer.
   */
  z.object({ kind: z.literal("new-customer-create-refused") }),
]);

export const faultRuleSchema = z
  .object({
    match: faultMatchSchema.optional(),
    /** Chance that a matching request is hit. @default 1 */
    probability: z.number().min(0).max(1).optional(),
    /** How many times the rule fires before it is used up. @default unlimited */
    times: z.number().int().min(1).optional(),
    effect: faultEffectSchema,
  })
  .strict();

export type FaultRule = z.infer<typeof faultRuleSchema>;
export type FaultEffect = z.infer<typeof faultEffectSchema>;

/** A request as the fault rules see it. */
export interface FaultSubject {
  readonly method: string;
  readonly path: string;
  readonly resourceType?: string;
}

/** A rule with its remaining count. */
interface ActiveRule {
  readonly rule: FaultRule;
  readonly pathPattern?: RegExp;
  remaining: number;
}

type EffectKind = FaultEffect["kind"];

/** The active fault rules. */
export class FaultInjector {
  private rules: ActiveRule[] = [];

  /** @param random - source of uniform [0, 1) numbers, replaceable for deterministic tests */
  constructor(private readonly random: () => number = Math.random) {}

  /** Adds rules after the existing ones (validated; throws a ZodError on a bad rule). */
  add(rules: readonly unknown[]): void {
    for (const raw of rules) {
      const rule = faultRuleSchema.parse(raw);
      const pathPattern = rule.match?.path === undefined ? undefined : new RegExp(rule.match.path, "i");
      this.rules.push({ rule, ...(pathPattern ? { pathPattern } : {}), remaining: rule.times ?? Infinity });
    }
  }

  /** The active rules with their remaining counts. */
  list(): { rule: FaultRule; remaining: number | null }[] {
    return this.rules.map((r) => ({
      rule: r.rule,
      remaining: Number.isFinite(r.remaining) ? r.remaining : null,
    }));
  }

  clear(): void {
    this.rules = [];
  }

  /**
   * Consumes the first rule of one of `kinds` that matches the request and wins its probability roll.
   * @returns its effect, or undefined when no fault applies
   */
  take<K extends EffectKind>(
    subject: FaultSubject,
    kinds: readonly K[],
  ): Extract<FaultEffect, { kind: K }> | undefined {
    for (const active of this.rules) {
      if (active.remaining <= 0 || !(kinds as readonly string[]).includes(active.rule.effect.kind)) continue;
      if (!matches(active, subject)) continue;
      if (this.random() >= (active.rule.probability ?? 1)) continue;
      active.remaining -= 1;
      if (active.remaining <= 0) this.rules = this.rules.filter((r) => r !== active);
      return active.rule.effect as Extract<FaultEffect, { kind: K }>;
    }
    return undefined;
  }

  /** The first standing rule of a duration kind (firewall lag, AKS busy), without consuming it. */
  durationSec(kind: "keyvault-firewall-lag" | "aks-busy-after-create"): number {
    const effect = this.rules.find((r) => r.rule.effect.kind === kind)?.rule.effect;
    return effect && "durationSec" in effect ? effect.durationSec : 0;
  }
}

function matches(active: ActiveRule, subject: FaultSubject): boolean {
  const match = active.rule.match;
  if (!match) return true;
  if (match.method !== undefined && match.method.toUpperCase() !== subject.method.toUpperCase()) return false;
  if (active.pathPattern && !active.pathPattern.test(subject.path)) return false;
  if (
    match.resourceType !== undefined &&
    match.resourceType.toLowerCase() !== subject.resourceType?.toLowerCase()
  ) {
    return false;
  }
  return true;
}
