import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FaultInjector } from "../../emulator/faults.js";
import { createTypeRegistry } from "../../emulator/registry.js";
import { parseArmPath } from "../../emulator/resource-path.js";
import { ARM_LIMITS, Throttle } from "../../emulator/throttle.js";

describe("ARM paths", () => {
  const registry = createTypeRegistry();
  const rg = "/subscriptions/s1/resourcegroups/RG1";

  test("a nested resource gets the canonical type casing and keeps the caller's name casing", () => {
    const target = parseArmPath(
      `${rg}/providers/microsoft.network/VIRTUALNETWORKS/Net/SUBNETS/Nodes`,
      registry,
    );
    assert.deepEqual(target, {
      kind: "resource",
      type: "Microsoft.Network/virtualNetworks/subnets",
      id: "/subscriptions/s1/resourceGroups/RG1/providers/Microsoft.Network/virtualNetworks/Net/subnets/Nodes",
      name: "Nodes",
      parentId: "/subscriptions/s1/resourceGroups/RG1/providers/Microsoft.Network/virtualNetworks/Net",
    });
  });

  test("a trailing type is a collection and a trailing verb is an action", () => {
    assert.equal(
      parseArmPath(`${rg}/providers/Microsoft.Network/virtualNetworks/n/subnets`, registry)?.kind,
      "collection",
    );
    assert.deepEqual(parseArmPath(`${rg}/providers/Microsoft.Cache/redis/c/listKeys`, registry), {
      kind: "action",
      type: "Microsoft.Cache/redis",
      id: "/subscriptions/s1/resourceGroups/RG1/providers/Microsoft.Cache/redis/c",
      action: "listKeys",
    });
  });

  test("a role assignment's scope is everything before its provider segment", () => {
    const vault = "/subscriptions/s1/resourceGroups/RG1/providers/Microsoft.KeyVault/vaults/kv";
    const target = parseArmPath(`${vault}/providers/Microsoft.Authorization/roleAssignments/abc`, registry);
    assert.equal(target?.kind === "resource" ? target.parentId : undefined, vault);
  });

  test("an unknown type is not routed", () => {
    assert.equal(parseArmPath(`${rg}/providers/Microsoft.Web/sites/app`, registry), undefined);
  });
});

describe("throttling buckets", () => {
  test("refuse the read after the 250th and refill at 25 per second divided by the time scale", () => {
    let nowMs = 0;
    const throttle = new Throttle(
      () => 0.5,
      () => nowMs,
    );
    for (let i = 0; i < ARM_LIMITS.reads.capacity; i += 1)
      assert.equal(throttle.take("s", "p", "reads").allowed, true);
    const refused = throttle.take("s", "p", "reads");
    assert.equal(refused.allowed, false);
    // 25/s at time scale 0.5 is 50 tokens per second: one token every 20 ms.
    assert.equal(refused.retryAfterMs, 20);
    nowMs += 20;
    assert.equal(throttle.take("s", "p", "reads").allowed, true);
    assert.equal(throttle.take("s", "p", "writes").remaining, ARM_LIMITS.writes.capacity - 1);
  });
});

describe("fault rules", () => {
  test("a counted rule is used up after its count", () => {
    const faults = new FaultInjector(() => 0);
    faults.add([{ times: 2, effect: { kind: "http", status: 500 } }]);
    const subject = { method: "GET", path: "/x" };
    assert.ok(faults.take(subject, ["http"]));
    assert.ok(faults.take(subject, ["http"]));
    assert.equal(faults.take(subject, ["http"]), undefined);
  });

  test("a rule applies only to requests it matches", () => {
    const faults = new FaultInjector(() => 0);
    faults.add([
      {
        match: { method: "put", resourceType: "microsoft.cache/REDIS" },
        effect: { kind: "operation-never-finishes" },
      },
    ]);
    assert.equal(
      faults.take({ method: "GET", path: "/", resourceType: "Microsoft.Cache/redis" }, [
        "operation-never-finishes",
      ]),
      undefined,
    );
    assert.ok(
      faults.take({ method: "PUT", path: "/", resourceType: "Microsoft.Cache/redis" }, [
        "operation-never-finishes",
      ]),
    );
  });
});
