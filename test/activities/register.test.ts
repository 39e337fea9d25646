import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ACTIVITY, ACTIVITY_NAMES } from "../../activities/contract";
import { registerProvisioningActivities, type ActivityRegistrar } from "../../activities/register";
import { isConfigError, loadConfig } from "../../lib/config";
import { createAzureClients } from "../../lib/azure/clients";

describe("registering the provisioning activities", () => {
  function capture() {
    const handlers = new Map<string, (input: unknown) => unknown>();
    const registrar = {
      activity: (name: string, options: { handler: (input: unknown) => unknown }) => {
        handlers.set(name, options.handler);
      },
    } as unknown as ActivityRegistrar;
    return { handlers, registrar };
  }

  it("registers every activity of the contract under its name", () => {
    const { handlers, registrar } = capture();
    registerProvisioningActivities(registrar, () => {
      throw new Error("not used");
    });
    assert.deepEqual([...handlers.keys()].sort(), [...ACTIVITY_NAMES].sort());
    assert.deepEqual(
      [ACTIVITY.ensureNode, ACTIVITY.checkOperation, ACTIVITY.deleteNode, ACTIVITY.purgeDeletedVault].sort(),
      [...ACTIVITY_NAMES].sort(),
    );
  });

  it("reads no settings at registration, and fails the first activity with the settings' problems", async () => {
    const { handlers, registrar } = capture();
    let built = 0;
    registerProvisioningActivities(registrar, () => {
      built++;
      return createAzureClients(loadConfig({ PROVISIONER_SUBSCRIPTION_ID: "nope" }));
    });
    assert.equal(built, 0);
    const ensure = handlers.get(ACTIVITY.ensureNode);
    assert.ok(ensure);
    await assert.rejects(
      (async () => ensure({ node: { kind: "resourceGroup" } }))(),
      (error: unknown) => isConfigError(error) && /PROVISIONER_SUBSCRIPTION_ID/.test(error.message),
    );
    assert.equal(built, 1);
  });
});
