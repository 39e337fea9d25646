/**
 * Values Opta wrote that Azure no longer offers, and what this service uses instead. Validation names
 * the replacement in its message; `envctl import-opta` writes it into the converted spec. One place, so
 * the two always agree. Facts and sources: docs/azure-facts.md ("Coming from Opta").
 */
import {
  KNOWN_POSTGRES_SKUS,
  SUPPORTED_KUBERNETES_MINORS,
  SUPPORTED_POSTGRES_VERSIONS,
  type PostgresTier,
} from "./azure-catalog";
import { CLUSTER_DEFAULTS, POSTGRES_DEFAULTS } from "./defaults";
import { quote } from "./quote";

/** `1.21.9` ⇒ [1, 21]; undefined for anything that is not a Kubernetes version. */
function minorOf(version: string): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)(\.\d+)?$/.exec(version);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/**
 * The Kubernetes version this service uses instead of `version`, when `version` is a minor older than
 * AKS's support window (Opta's default was 1.21.9): the default minor, a current one. Newer minors and
 * supported ones have no replacement.
 */
export function kubernetesVersionReplacement(version: string): string | undefined {
  const minor = minorOf(version);
  const oldest = minorOf(SUPPORTED_KUBERNETES_MINORS[0]!)!;
  if (!minor) return undefined;
  const older = minor[0] < oldest[0] || (minor[0] === oldest[0] && minor[1] < oldest[1]);
  return older ? CLUSTER_DEFAULTS.kubernetes_version : undefined;
}

/**
 * The PostgreSQL major this service uses instead of `version`, when `version` is older than every major
 * flexible server offers for new servers (Opta's default was 11): the default major, the current one.
 */
export function postgresVersionReplacement(version: string): string | undefined {
  const major = Number.parseFloat(version);
  const oldest = Math.min(...SUPPORTED_POSTGRES_VERSIONS.map(Number));
  return /^\d+(\.\d+)?$/.test(version) && major < oldest ? POSTGRES_DEFAULTS.engine_version : undefined;
}

/** A flexible server SKU standing in for a retired Single Server one. */
export interface SingleServerReplacement {
  readonly sku: string;
  readonly tier: PostgresTier;
  readonly vCores: number;
  /** How the Single Server SKU reads: `General Purpose, 4 vCores`. */
  readonly was: string;
}

/** Single Server tiers (`B`, `GP`, `MO`), their names, and the flexible server tier and SKUs by vCores. */
const SINGLE_SERVER_TIERS: Readonly<
  Record<
    string,
    { readonly name: string; readonly tier: PostgresTier; readonly sku: (vCores: number) => string }
  >
> = {
  // Basic had 1 or 2 vCores at 2 GB each; Burstable B1ms (1 vCore, 2 GiB) and B2s (2 vCores, 4 GiB) match.
  B: { name: "Basic", tier: "Burstable", sku: (vCores) => (vCores <= 1 ? "Standard_B1ms" : "Standard_B2s") },
  GP: { name: "General Purpose", tier: "GeneralPurpose", sku: (vCores) => `Standard_D${vCores}ds_v5` },
  MO: { name: "Memory Optimized", tier: "MemoryOptimized", sku: (vCores) => `Standard_E${vCores}ds_v5` },
};

/** Flexible server vCore counts of a tier's current (v5) SKUs, from the catalog. */
function vCoreSizes(tier: PostgresTier): number[] {
  return Object.entries(KNOWN_POSTGRES_SKUS)
    .filter(([sku, skuTier]) => skuTier === tier && (tier === "Burstable" || sku.endsWith("ds_v5")))
    .map(([sku]) => Number(/\d+/.exec(sku)![0]))
    .sort((a, b) => a - b);
}

/**
 * The flexible server SKU nearest to a Single Server one (`GP_Gen5_4`, any case): the same tier and the
 * same number of vCores (the next larger size when flexible server has no such size). Undefined for
 * names that are not Single Server SKUs.
 */
export function singleServerSkuReplacement(sku: string): SingleServerReplacement | undefined {
  const match = /^(B|GP|MO)_Gen[45]_(\d+)$/i.exec(sku);
  if (!match) return undefined;
  const tier = SINGLE_SERVER_TIERS[match[1]!.toUpperCase()]!;
  const wanted = Number(match[2]);
  const sizes = vCoreSizes(tier.tier);
  const vCores =
    tier.tier === "Burstable"
      ? Math.min(Math.max(wanted, 1), 2)
      : (sizes.find((size) => size >= wanted) ?? sizes.at(-1)!);
  return {
    sku: tier.sku(vCores),
    tier: tier.tier,
    vCores,
    was: `${tier.name}, ${wanted} vCore${wanted === 1 ? "" : "s"}`,
  };
}

/** The message for a Single Server SKU, naming its replacement. */
export function singleServerSkuMessage(sku: string, replacement: SingleServerReplacement): string {
  return `${quote(sku)} is a Single Server SKU (${replacement.was}), and Single Server is retired; the nearest flexible server SKU is ${replacement.sku} (${replacement.tier}, ${replacement.vCores} vCore${replacement.vCores === 1 ? "" : "s"})`;
}

/** The one of `known` that `value` spells in another case, if any. */
export function sameIgnoringCase(value: string, known: Iterable<string>): string | undefined {
  const lower = value.toLowerCase();
  for (const candidate of known) if (candidate.toLowerCase() === lower) return candidate;
  return undefined;
}

/**
 * Keys whose values Azure reads in any case, per module type, with their canonical spellings. Only the
 * Redis SKU name and family (Opta wrote `standard`): the plan writes Azure's spelling, so re-applying a
 * spec in either casing plans the same body. VM sizes and PostgreSQL SKUs are not among them: AKS
 * refused a lower-case VM size, so those are refused with the right spelling named.
 */
export const CASE_INSENSITIVE_VALUES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> =
  {
    redis: { sku_name: ["Basic", "Standard", "Premium"], family: ["C", "P"] },
  };

/** Warnings for values of `raw` (a module at `path`) that the schema rewrote into Azure's spelling. */
export function casingWarnings(
  type: string,
  raw: Readonly<Record<string, unknown>>,
  parsed: Readonly<Record<string, unknown>>,
  path: string,
): { path: string; message: string }[] {
  return Object.keys(CASE_INSENSITIVE_VALUES[type] ?? {}).flatMap((key) => {
    const written = raw[key];
    const canonical = parsed[key];
    return typeof written === "string" && typeof canonical === "string" && written !== canonical
      ? [
          {
            path: `${path}.${key}`,
            message: `${quote(written)} is read as ${canonical}, Azure's spelling, which the plan uses`,
          },
        ]
      : [];
  });
}
