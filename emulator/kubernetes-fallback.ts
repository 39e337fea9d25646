/**
 * Finds the Kubernetes API implementation (emulator/kubernetes/, built in parallel with the core). Until
 * it exists, a stand-in answers 503 so ARM-side features (kubeconfigs, cluster lifecycle) still work.
 */
import { randomBytes } from "node:crypto";
import type { DataPlaneContext, KubernetesApi } from "./dataplane.js";
import { sendJson } from "./http-util.js";

/** A Kubernetes API that knows clusters and their admin tokens but serves nothing yet. */
export function createUnavailableKubernetesApi(): KubernetesApi {
  const tokens = new Map<string, string>();
  const tokenOf = (id: string): string => {
    const key = id.toLowerCase();
    const token = tokens.get(key) ?? randomBytes(32).toString("hex");
    tokens.set(key, token);
    return token;
  };
  return {
    open: (cluster) => void tokenOf(cluster.id),
    close: () => undefined,
    handle: () => (_req, res) =>
      sendJson(res, 503, {
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        message: "The emulator's Kubernetes API is not available.",
        code: 503,
      }),
    adminToken: tokenOf,
    snapshot: () => ({ tokens: Object.fromEntries(tokens) }),
    restore: (state) => {
      tokens.clear();
      const saved = (state as { tokens?: Record<string, string> } | undefined)?.tokens ?? {};
      for (const [key, value] of Object.entries(saved)) tokens.set(key, value);
    },
    reset: () => tokens.clear(),
  };
}

type KubernetesModule = { createKubernetesApi?: (ctx: DataPlaneContext) => KubernetesApi };

/** The real Kubernetes API when its module is present, else {@link createUnavailableKubernetesApi}. */
export function defaultKubernetesApi(ctx: DataPlaneContext): KubernetesApi {
  try {
    // A computed path keeps the build independent of a module that may not exist yet.
    const modulePath = "./kubernetes/index.js";
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(modulePath) as KubernetesModule;
    if (typeof loaded.createKubernetesApi === "function") return loaded.createKubernetesApi(ctx);
  } catch {
    // not built yet: fall through
  }
  return createUnavailableKubernetesApi();
}
