/**
 * Revisions of AKS's Istio-based service mesh add-on and the Kubernetes minors each is compatible with:
 * the emulator's own table, kept apart from the provisioner's catalog so the emulator can refuse what the
 * provisioner gets wrong. `asm-1-25`–`asm-1-27`: the release calendar of "Support policy for Istio-based
 * service mesh add-on for Azure Kubernetes Service",
 * https://learn.microsoft.com/azure/aks/istio-support-policy. Newer revisions are not in the calendar
 * this table was written from; that page says each revision is compatible with the minors of upstream
 * Istio's support calendar, so theirs are upstream's
 * (https://istio.io/latest/docs/releases/supported-releases/#support-status-of-istio-releases).
 */

/** Revision ⇒ the Kubernetes minors AKS accepts it with. */
export const MESH_REVISIONS: ReadonlyMap<string, readonly string[]> = new Map([
  ["asm-1-25", ["1.29", "1.30", "1.31", "1.32", "1.33"]],
  ["asm-1-26", ["1.29", "1.30", "1.31", "1.32", "1.33", "1.34"]],
  ["asm-1-27", ["1.29", "1.30", "1.31", "1.32", "1.33", "1.34"]],
  ["asm-1-28", ["1.30", "1.31", "1.32", "1.33", "1.34"]],
  ["asm-1-29", ["1.31", "1.32", "1.33", "1.34", "1.35"]],
  ["asm-1-30", ["1.32", "1.33", "1.34", "1.35", "1.36"]],
]);

/** The minor (`1.35`) of a Kubernetes version (`1.35` or `1.35.2`). */
export function kubernetesMinorOf(version: string): string {
  return version.split(".").slice(0, 2).join(".");
}
