/**
 * Opta's names for keys of this spec. Opta's azure-base module called the VNet's range
 * `private_ipv4_cidr_block` and its one subnet `subnet_ipv4_cidr_block`; an Opta environment file
 * validates as it is because the schema accepts those names beside this spec's own, and they are read as
 * the keys below. Giving a value under both names is refused: which one was meant cannot be guessed.
 */
import type { ModuleType } from "./schema";
import type { SpecProblem } from "./types";

/** Per module type: Opta's key ⇒ the key of this spec it is read as. */
export const OPTA_KEY_ALIASES: Readonly<Partial<Record<ModuleType, Readonly<Record<string, string>>>>> = {
  base: { private_ipv4_cidr_block: "vnet_cidr", subnet_ipv4_cidr_block: "nodes_subnet_cidr" },
};

/** The Opta keys of `type` that are read as `key` (none for most keys). */
export function optaNamesOf(type: ModuleType, key: string): string[] {
  return Object.entries(OPTA_KEY_ALIASES[type] ?? {})
    .filter(([, ours]) => ours === key)
    .map(([opta]) => opta);
}

/** Problems of a module (at `path`) that gives a value under both its Opta name and this spec's name. */
export function aliasConflicts(
  type: ModuleType,
  raw: Readonly<Record<string, unknown>>,
  path: string,
): SpecProblem[] {
  return Object.entries(OPTA_KEY_ALIASES[type] ?? {})
    .filter(([opta, ours]) => opta in raw && ours in raw)
    .map(([opta, ours]) => ({
      path: `${path}.${opta}`,
      message: `is Opta's name for ${ours}, which ${path}.${ours} also sets; keep one of the two`,
    }));
}

/** Whether `raw` gives `key`, under its own name or an Opta name. */
export function givesKey(type: ModuleType, raw: Readonly<Record<string, unknown>>, key: string): boolean {
  return key in raw || optaNamesOf(type, key).some((opta) => opta in raw);
}
