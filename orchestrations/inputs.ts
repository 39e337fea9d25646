/**
 * Each orchestration checks its own input before doing anything. The API and the queue only ever start
 * them with a validated plan, but Durable's management API (webhooks, `restart`, a client with the
 * system key) can start any orchestration with any input under any instance id. A build started that
 * way must fail at once with a clear message — never run half-way on `undefined`, and never run beside
 * the one build of its environment that the API started (the instance id is the environment id, which
 * is what makes Durable itself refuse a second one).
 */
import { z } from "zod";
import type { EnsureNodeInput } from "../activities/contract";
import { ARM_TYPE_BY_KIND } from "../lib/plan/kinds";
import { STAGES } from "../lib/plan/summary";
import type { NodeKind, Plan } from "../lib/plan/types";
import { isEnvironmentId } from "../lib/spec/schema";
import type { BatchInput, BuildInput, DestroyInput } from "./contracts";
import { ensureNodeInstanceId, environmentIdOfNodeInstance } from "./instance-ids";

const NODE_KINDS = Object.keys(ARM_TYPE_BY_KIND) as [NodeKind, ...NodeKind[]];

const nodeSchema = z.object({
  key: z.string().min(1),
  kind: z.enum(NODE_KINDS),
  module: z.string(),
  stage: z.enum(STAGES as [string, ...string[]]),
  name: z.string().min(1),
  id: z.string().startsWith("/subscriptions/"),
  dependsOn: z.array(z.string()),
  desired: z.record(z.string(), z.unknown()),
  immutable: z.array(z.string()),
  estimatedDurationSec: z.number().nonnegative(),
});

const planSchema = z
  .object({
    formatVersion: z.literal(1),
    environmentId: z.string().refine(isEnvironmentId, "must be <org_name>-<name>"),
    subscriptionId: z.string(),
    location: z.string(),
    resourceGroup: z.string(),
    nodes: z.array(nodeSchema).min(1),
    hash: z.string().min(1),
  })
  .superRefine((plan, context) => {
    // Topological order, as the planner writes it: the scheduler relies on every dependency being known.
    const seen = new Set<string>();
    plan.nodes.forEach((node, index) => {
      if (seen.has(node.key))
        context.addIssue({
          code: "custom",
          path: ["nodes", index, "key"],
          message: `${node.key} appears twice`,
        });
      for (const dependency of node.dependsOn)
        if (!seen.has(dependency))
          context.addIssue({
            code: "custom",
            path: ["nodes", index, "dependsOn"],
            message: `${dependency} is not a node planned before ${node.key}`,
          });
      seen.add(node.key);
    });
  });

const requestedBy = z.string().min(1);
const parentInstanceId = z.string().min(1).optional();

const buildInputSchema = z.object({
  plan: planSchema,
  requestedBy,
  parentInstanceId,
  inputWaitDeadlineSec: z.number().positive().optional(),
});
const destroyInputSchema = z.object({
  plan: planSchema,
  keyVault: z.enum(["keep", "purge"]),
  requestedBy,
  parentInstanceId,
});
const batchInputSchema = z.object({
  items: z.array(
    z.discriminatedUnion("action", [
      z.object({ action: z.literal("apply"), plan: planSchema }),
      z.object({ action: z.literal("destroy"), plan: planSchema, keyVault: z.enum(["keep", "purge"]) }),
    ]),
  ),
  maxConcurrent: z.number().int().positive(),
  requestedBy,
});
const ensureNodeInputSchema = z.object({
  node: nodeSchema,
  adminPasswordSecret: z.object({ vaultId: z.string(), secretName: z.string() }).optional(),
  facts: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  chainToEndSec: z.number().nonnegative().optional(),
});

/** Thrown when an orchestration is started with an input it cannot run. */
export class InvalidOrchestrationInputError extends Error {
  readonly isInvalidOrchestrationInputError = true as const;
  constructor(orchestration: string, instanceId: string, problems: readonly string[]) {
    super(`${orchestration} ${instanceId} was started with an input it cannot run: ${problems.join("; ")}`);
    this.name = "InvalidOrchestrationInputError";
  }
}

function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`);
}

/**
 * `input` as a `T`, checked against `schema` in a run's first episode. A replay skips the check: the
 * input comes from the run's `ExecutionStarted` event, so it is the one the first episode accepted (a
 * refused input ends the run there), and checking a plan again costs every episode of a long build.
 */
function parsed<T>(
  schema: z.ZodType,
  input: unknown,
  orchestration: string,
  instanceId: string,
  replaying: boolean,
): T {
  if (replaying) return input as T;
  const result = schema.safeParse(input);
  if (!result.success)
    throw new InvalidOrchestrationInputError(orchestration, instanceId, problemsOf(result.error));
  return input as T;
}

/** An environment's build or destroy runs under the environment's id, and only there. */
function underEnvironmentId(plan: Plan, orchestration: string, instanceId: string): void {
  if (instanceId !== plan.environmentId) {
    throw new InvalidOrchestrationInputError(orchestration, instanceId, [
      `a ${orchestration} of ${plan.environmentId} runs under instance id ${plan.environmentId} ` +
        "(one operation per environment at a time); start it through the API or the queue",
    ]);
  }
}

/** The build's input, checked (see {@link parsed} for replays). @throws InvalidOrchestrationInputError */
export function buildInputOf(
  input: unknown,
  orchestration: string,
  instanceId: string,
  replaying = false,
): BuildInput {
  const value = parsed<BuildInput>(buildInputSchema, input, orchestration, instanceId, replaying);
  underEnvironmentId(value.plan, orchestration, instanceId);
  return value;
}

/** The destroy's input, checked (see {@link parsed} for replays). @throws InvalidOrchestrationInputError */
export function destroyInputOf(
  input: unknown,
  orchestration: string,
  instanceId: string,
  replaying = false,
): DestroyInput {
  const value = parsed<DestroyInput>(destroyInputSchema, input, orchestration, instanceId, replaying);
  underEnvironmentId(value.plan, orchestration, instanceId);
  return value;
}

/** The batch's input, checked (see {@link parsed} for replays). @throws InvalidOrchestrationInputError */
export function batchInputOf(
  input: unknown,
  orchestration: string,
  instanceId: string,
  replaying = false,
): BatchInput {
  return parsed<BatchInput>(batchInputSchema, input, orchestration, instanceId, replaying);
}

/**
 * A node's input, checked, and its instance id: `<environment id>:<node key>` as the build names it.
 * @throws InvalidOrchestrationInputError
 */
export function ensureNodeInputOf(
  input: unknown,
  orchestration: string,
  instanceId: string,
  replaying = false,
): EnsureNodeInput {
  const value = parsed<EnsureNodeInput>(ensureNodeInputSchema, input, orchestration, instanceId, replaying);
  const environmentId = environmentIdOfNodeInstance(instanceId);
  if (!isEnvironmentId(environmentId) || ensureNodeInstanceId(environmentId, value.node.key) !== instanceId) {
    throw new InvalidOrchestrationInputError(orchestration, instanceId, [
      `node ${value.node.key} runs as a child of its environment's build, under ` +
        ensureNodeInstanceId("<environment id>", value.node.key),
    ]);
  }
  return value;
}
