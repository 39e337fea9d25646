/**
 * The activities work in the subscription each node's ARM id names (the plan's), with that subscription's
 * clients, through one set of activities: a provisioner builds in every allowed subscription, and never
 * sends a request to one off its allow-list.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  EmulatorCredential,
  startEmulator,
  type RunningEmulator,
} from "@azure-env-provisioner/azure-emulator";
import { createProvisioningActivities } from "../../activities/provisioning";
import { isActivityFailure } from "../../activities/contract";
import { createAzureClients, SUBSCRIPTION_NOT_ALLOWED_CODE } from "../../lib/azure/clients";
import { loadConfig } from "../../lib/config";
import type { PlanNode } from "../../lib/plan/types";

const FIRST = "1a1a1a1a-0000-4000-8000-000000000001";
const SECOND = "2b2b2b2b-0000-4000-8000-000000000002";
const OFF_THE_LIST = "3c3c3c3c-0000-4000-8000-000000000003";

function resourceGroup(subscriptionId: string, name: string): PlanNode {
  return {
    key: "base/resource-group",
    kind: "resourceGroup",
    module: "base",
    stage: "network",
    name,
    id: `/subscriptions/${subscriptionId}/resourceGroups/${name}`,
    dependsOn: [],
    desired: { location: "westeurope", tags: { org: "acme" } },
    immutable: ["location"],
    estimatedDurationSec: 1,
  };
}

describe("activities across subscriptions", () => {
  let emulator: RunningEmulator;
  let activities: ReturnType<typeof createProvisioningActivities>;

  before(async () => {
    emulator = await startEmulator({ timeScale: 0.001 });
    const config = loadConfig({
      PROVISIONER_ARM_ENDPOINT: emulator.armEndpoint,
      PROVISIONER_CA_CERT_PATH: emulator.caCertPath,
      PROVISIONER_SUBSCRIPTION_IDS: `${FIRST},${SECOND}`,
    });
    const clients = createAzureClients(config, { credential: new EmulatorCredential() });
    activities = createProvisioningActivities(clients);
  });
  after(() => emulator?.stop());

  it("builds each node in the subscription its id names, with one set of activities", async () => {
    for (const subscription of [FIRST, SECOND]) {
      const result = await activities.ensureNode({ node: resourceGroup(subscription, "rg-acme-multi") });
      assert.ok(!isActivityFailure(result), JSON.stringify(result));
    }
    const puts = emulator.admin
      .requestLog()
      .filter((entry) => entry.method === "PUT")
      .map((entry) => entry.path.toLowerCase());
    assert.deepEqual(puts, [
      `/subscriptions/${FIRST}/resourcegroups/rg-acme-multi`,
      `/subscriptions/${SECOND}/resourcegroups/rg-acme-multi`,
    ]);
  });

  it("fails a node in a subscription off the allow-list with SubscriptionNotAllowed, sending nothing", async () => {
    const before = emulator.admin.requestLog().length;
    const result = await activities.ensureNode({ node: resourceGroup(OFF_THE_LIST, "rg-acme-elsewhere") });
    assert.ok(isActivityFailure(result));
    assert.equal(result.outcome, "failed");
    assert.equal(result.error.code, SUBSCRIPTION_NOT_ALLOWED_CODE);
    assert.equal(emulator.admin.requestLog().length, before, "no request reached Azure");
  });
});
