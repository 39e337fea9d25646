/**
 * Connections to clusters' API servers, kept open between requests. `@kubernetes/client-node` 1.x gives
 * every request a new `https.Agent` (`KubeConfig.applySecurityAuthentication`), so each request opens a
 * TCP connection and does a TLS handshake, parsing the cluster's CA again, and the connection is closed
 * after one response. The provisioner sends a few dozen requests per environment to one API server
 * (objects, secrets, their reads), so it swaps that agent for a keep-alive one per TLS configuration,
 * shared for the life of the process: the bearer token travels in each request's header, not in the
 * connection.
 */
import type { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent, type AgentOptions } from "node:https";

/**
 * How long an idle connection is kept: under the 5 s a Node.js server keeps one open by default
 * (`server.keepAliveTimeout`), so a request is not sent on a connection the server is closing. Go's
 * servers, as the Kubernetes API server, keep idle connections longer.
 */
export const IDLE_CONNECTION_MS = 4_000;

/** The agent options that decide which server a connection may be trusted for. */
const TLS_OPTION_NAMES = [
  "ca",
  "cert",
  "key",
  "pfx",
  "passphrase",
  "rejectUnauthorized",
  "servername",
] as const satisfies readonly (keyof AgentOptions)[];

/** A stable text for an option value (PEM strings, buffers, or lists of them). */
function optionText(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString("base64");
  if (Array.isArray(value)) return value.map(optionText);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([name, part]) => [name, optionText(part)]));
  }
  return value;
}

/** Keep-alive HTTPS agents, one per set of TLS options. */
export class KubernetesAgents {
  readonly #agents = new Map<string, HttpsAgent>();

  /**
   * A keep-alive agent with the TLS options of `fresh`, the agent the Kubernetes client made for one
   * request. Anything but a plain `https.Agent` (a proxy's agent, plain HTTP) is returned as it is.
   */
  reuse(fresh: HttpAgent | HttpsAgent | undefined): HttpAgent | HttpsAgent | undefined {
    if (!(fresh instanceof HttpsAgent) || fresh.constructor !== HttpsAgent) return fresh;
    const tls: AgentOptions = {};
    for (const name of TLS_OPTION_NAMES) {
      if (fresh.options[name] !== undefined) Object.assign(tls, { [name]: fresh.options[name] });
    }
    const key = JSON.stringify(optionText(tls));
    let agent = this.#agents.get(key);
    if (!agent) {
      agent = new HttpsAgent({ ...tls, keepAlive: true, timeout: IDLE_CONNECTION_MS });
      this.#agents.set(key, agent);
    }
    return agent;
  }

  /** Closes every kept connection. */
  destroy(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }
}
