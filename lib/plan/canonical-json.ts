/**
 * Canonical JSON: object keys sorted at every level, no whitespace. Two equal values always give the
 * same bytes, whatever order their keys were built in, so a hash of it identifies a plan.
 */
import { createHash } from "node:crypto";

/** Serialises `value` with keys sorted recursively. `undefined` members are dropped, as JSON does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) => {
    if (member === null || typeof member !== "object" || Array.isArray(member)) return member;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(member).sort()) sorted[key] = (member as Record<string, unknown>)[key];
    return sorted;
  });
}

/** Hex SHA-256 of the canonical JSON of `value`. */
export function canonicalHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}
