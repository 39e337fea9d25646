import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { rangeWithin, rangesOverlap, readAddressPrefix } from "../src/azure-facts/address-prefixes.js";
import { operationDurationsOf, UNLISTED_TYPE_DURATIONS } from "../src/azure-facts/operation-durations.js";
import { FaultInjector } from "../src/faults.js";
import { createTypeRegistry } from "../src/registry.js";
import { parseArmPath } from "../src/resource-path.js";
import { ARM_LIMITS, Throttle } from "../src/throttle.js";

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

describe("Azure facts: address prefixes", () => {
  const range = (text: string) => {
    const reading = readAddressPrefix(text);
    assert.equal(reading.kind, "range", text);
    return (reading as Extract<typeof reading, { kind: "range" }>).range;
  };

  test("a prefix reads as the inclusive range of its addresses, /0 and /32 included", () => {
    assert.deepEqual(range("10.1.0.0/16"), { first: 0x0a010000, last: 0x0a01ffff, bits: 16 });
    assert.deepEqual(range("0.0.0.0/0"), { first: 0, last: 0xffffffff, bits: 0 });
    assert.deepEqual(range("255.255.255.255/32"), { first: 0xffffffff, last: 0xffffffff, bits: 32 });
  });

  test("set host bits are refused with the network prefix Azure suggests", () => {
    assert.deepEqual(readAddressPrefix("10.0.1.7/16"), {
      kind: "host-bits-set",
      networkPrefix: "10.0.0.0/16",
    });
    assert.deepEqual(readAddressPrefix("192.168.1.129/25"), {
      kind: "host-bits-set",
      networkPrefix: "192.168.1.128/25",
    });
  });

  test("anything but dotted-decimal CIDR is not a prefix", () => {
    for (const text of [
      "10.0.0.0",
      "10.0.0.0/33",
      "10.0.0.256/24",
      "10.0.0/24",
      "010.0.0.0/8",
      " 10.0.0.0/8",
      "a.b.c.d/8",
    ]) {
      assert.deepEqual(readAddressPrefix(text), { kind: "not-cidr" }, text);
    }
  });

  test("containment and overlap", () => {
    assert.ok(rangeWithin(range("10.0.4.0/22"), range("10.0.0.0/16")));
    assert.ok(!rangeWithin(range("10.0.0.0/16"), range("10.0.4.0/22")));
    assert.ok(!rangeWithin(range("10.1.0.0/24"), range("10.0.0.0/16")));
    assert.ok(rangesOverlap(range("10.0.0.0/16"), range("10.0.255.0/24")));
    assert.ok(!rangesOverlap(range("10.0.0.0/24"), range("10.0.1.0/24")));
  });
});

describe("Azure facts: operation durations", () => {
  test("are looked up by type in any case, with unlisted types taking seconds", () => {
    assert.equal(operationDurationsOf("Microsoft.Cache/Redis").createSec, 1200);
    assert.equal(operationDurationsOf("microsoft.containerservice/managedclusters").retryAfterSec, 30);
    assert.equal(operationDurationsOf("Microsoft.Example/widgets"), UNLISTED_TYPE_DURATIONS);
  });
});
