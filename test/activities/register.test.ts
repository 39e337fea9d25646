import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CHECK_OPERATION_ACTIVITY,
  DELETE_NODE_ACTIVITY,
  ENSURE_NODE_ACTIVITY,
  PROVISIONING_ACTIVITY_NAMES,
  PURGE_DELETED_VAULT_ACTIVITY,
  registerProvisioningActivities,
  type ActivityRegistrar,
} from "../../activities/register";
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

  it("registers every activity under its exported name", () => {
    const { handlers, registrar } = capture();
    registerProvisioningActivities(registrar, () => {
      throw new Error("not used");
    });
    assert.deepEqual([...handlers.keys()].sort(), [...PROVISIONING_ACTIVITY_NAMES].sort());
    assert.deepEqual(
      [
        ENSURE_NODE_ACTIVITY,
        CHECK_OPERATION_ACTIVITY,
        DELETE_NODE_ACTIVITY,
        PURGE_DELETED_VAULT_ACTIVITY,
      ].sort(),
      [...PROVISIONING_ACTIVITY_NAMES].sort(),
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
    const ensure = handlers.get(ENSURE_NODE_ACTIVITY);
    assert.ok(ensure);
    await assert.rejects(
      (async () => ensure({ node: { kind: "resourceGroup" } }))(),
      (error: unknown) => isConfigError(error) && /PROVISIONER_SUBSCRIPTION_ID/.test(error.message),
    );
    assert.equal(built, 1);
  });
});
