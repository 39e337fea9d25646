/**
 * Kubernetes versions on AKS, as the emulator answers them: what a cluster gets when it names no version,
 * and which patch a `major.minor` request resolves to ("When <major.minor> is specified, the latest
 * supported GA patch version is chosen automatically", managedClusters.json 2026-04-01
 * `kubernetesVersion`; "Supported Kubernetes versions in AKS",
 * https://learn.microsoft.com/azure/aks/supported-kubernetes-versions). The patch numbers below, and the
 * default, are **Unconfirmed**: AKS moves them every few weeks.
 */

/** The version a cluster gets when its request names none (or an empty string). */
export const DEFAULT_AKS_VERSION = "1.33.2";

const LATEST_PATCH: Readonly<Record<string, string>> = {
  "1.31": "1.31.10",
  "1.32": "1.32.6",
  "1.33": "1.33.2",
  "1.34": "1.34.1",
  "1.35": "1.35.0",
};

/** The full version a requested `kubernetesVersion` runs as (`1.33` → `1.33.2`; a full version as is). */
export function runningAksVersion(requested: unknown): string {
  if (typeof requested !== "string" || requested === "") return DEFAULT_AKS_VERSION;
  if (/^\d+\.\d+\.\d+$/.test(requested)) return requested;
  return LATEST_PATCH[requested] ?? `${requested}.0`;
}

/**
 * Pods per node when a pool names no `maxPods`: 110 with kubenet, 250 with Azure CNI Overlay, 30 with
 * flat Azure CNI ("Configure Azure CNI networking — maximum pods per node",
 * https://learn.microsoft.com/azure/aks/azure-cni-overview#maximum-pods-per-node).
 */
export function defaultMaxPods(networkPlugin: unknown, networkPluginMode: unknown): number {
  if (networkPlugin === "azure") return networkPluginMode === "overlay" ? 250 : 30;
  return 110;
}
