/** The environment API as the end-to-end suites drive it: apply a spec, read a view, wait for the end. */
import { setTimeout as delay } from "node:timers/promises";
import { parse as parseYaml } from "yaml";
import type { IngressOutputs } from "../../orchestrations/contracts";
import { example, type E2eStack } from "./e2e-stack";

/** What the suites read of `GET /api/environments/{id}`. */
export interface EnvironmentView {
  lastOperation?: { action: string; status: string; startedAt?: string };
  resultSummary?: {
    nodeStates: Record<string, number>;
    failures: { nodeKey?: string; code: string; message?: string }[];
    leftInAzure?: string[];
  };
  outputs?: {
    keyVaultUri?: string;
    containerRegistryLoginServer?: string;
    ingress?: IngressOutputs;
    dataModules?: Record<
      string,
      { keyVaultSecretNames: string[]; kubernetesSecret?: { namespace: string; name: string } }
    >;
  };
  runtimeStatus?: string;
  progress?: {
    nodes: Record<string, string>;
    lastError?: { nodeKey?: string; code: string };
    waitingFor?: { nodeKey: string; reason: string }[];
  };
}

/** A build of the staging example, a couple of realistic hours' worth of operations, ends in well under this. */
export const BUILD_TIMEOUT_MS = 90_000;

/** The staging example under another name (it shares nothing with acme-staging). */
export function stagingSpec(name: string): string {
  return example("staging.yaml").replace(/^name: staging$/m, `name: ${name}`);
}

/** The minimal example (network and Key Vault) under another name, as an object. */
export function minimalSpec(name: string): Record<string, unknown> {
  return { ...(parseYaml(example("minimal.yaml")) as Record<string, unknown>), name };
}

/** POSTs a YAML spec. */
export function apply(stack: E2eStack, spec: string): Promise<Response> {
  return stack.api("environments", {
    method: "POST",
    headers: { "content-type": "application/yaml" },
    body: spec,
  });
}

/** GETs an environment. */
export async function view(stack: E2eStack, environmentId: string): Promise<EnvironmentView> {
  return (await (await stack.api(`environments/${environmentId}`)).json()) as EnvironmentView;
}

/** Polls GET until `accept` holds for the view. */
export async function waitForView(
  stack: E2eStack,
  environmentId: string,
  what: string,
  accept: (view: EnvironmentView) => boolean,
  timeoutMs = BUILD_TIMEOUT_MS,
): Promise<EnvironmentView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await view(stack, environmentId);
    if (accept(current)) return current;
    if (Date.now() > deadline) {
      throw new Error(
        `${environmentId}: no ${what} after ${timeoutMs} ms: ${JSON.stringify(current.progress)}\n` +
          stack.devhostOutput().slice(-3000),
      );
    }
    await delay(250);
  }
}

/** Polls GET until the environment's last operation is no longer running. */
export function waitForEnd(
  stack: E2eStack,
  environmentId: string,
  timeoutMs = BUILD_TIMEOUT_MS,
): Promise<EnvironmentView> {
  return waitForView(
    stack,
    environmentId,
    "end of its operation",
    (current) => current.lastOperation !== undefined && current.lastOperation.status !== "running",
    timeoutMs,
  );
}

/**
 * Builds the minimal example as `acme-<name>` with its NAT gateway's create ending Failed
 * (`NatGatewayAllocationBroken`), and waits for the build to end; the fault is cleared afterwards.
 */
export async function buildWithFailingNatGateway(stack: E2eStack, name: string): Promise<EnvironmentView> {
  stack.emulator.admin.addFaults([
    {
      match: { method: "PUT", resourceType: "Microsoft.Network/natGateways", path: `ng-acme-${name}` },
      times: 1,
      effect: { kind: "operation-failed", code: "NatGatewayAllocationBroken", message: "injected" },
    },
  ]);
  try {
    const accepted = await stack.api("environments", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(minimalSpec(name)),
    });
    if (accepted.status !== 202)
      throw new Error(`POST answered ${accepted.status}: ${await accepted.text()}`);
    return await waitForEnd(stack, `acme-${name}`);
  } finally {
    stack.emulator.admin.clearFaults();
  }
}
