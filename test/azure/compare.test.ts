import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { blockedDifferences, diffDesired, immutableDifferences } from "../../lib/azure/compare";
import { CHANGE_RULES_BY_KIND } from "../../lib/plan/kinds";

const id = "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/vnet";

describe("comparing desired with live resources", () => {
  it("ignores read-only and defaulted fields that only the live resource has", () => {
    const live = {
      location: "westeurope",
      provisioningState: "Succeeded",
      etag: "x",
      addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
    };
    assert.deepEqual(
      diffDesired({ location: "westeurope", addressSpace: { addressPrefixes: ["10.0.0.0/16"] } }, live),
      [],
    );
  });

  it("compares ARM ids case-insensitively, as ARM echoes them in its own casing", () => {
    assert.deepEqual(diffDesired({ subnet: { id } }, { subnet: { id: id.toLowerCase() } }), []);
  });

  it("treats location spellings of one region as equal", () => {
    assert.deepEqual(diffDesired({ location: "West Europe" }, { location: "westeurope" }), []);
  });

  it("compares tags case-sensitively", () => {
    assert.equal(diffDesired({ tags: { env: "Staging" } }, { tags: { env: "staging" } }).length, 1);
  });

  it("matches arrays in any order", () => {
    assert.deepEqual(diffDesired({ zones: ["1", "2", "3"] }, { zones: ["3", "1", "2"] }), []);
  });

  it("reports a changed value with its path", () => {
    const differences = diffDesired({ sku: { capacity: 2 } }, { sku: { capacity: 1, name: "Standard" } });
    assert.deepEqual(differences, [{ path: "sku.capacity", desired: 2, live: 1 }]);
  });

  it("reports an array that gained or lost elements", () => {
    assert.equal(
      diffDesired({ rules: [{ name: "a" }] }, { rules: [{ name: "a" }, { name: "b" }] }).length,
      1,
    );
  });

  it("names the field that differs inside a named array element, matching elements by name", () => {
    const desired = { agentPoolProfiles: [{ name: "system", maxCount: 7, vmSize: "Standard_D4s_v5" }] };
    const live = {
      agentPoolProfiles: [{ name: "System", maxCount: 6, vmSize: "standard_d4s_v5", count: 4 }],
    };
    assert.deepEqual(diffDesired(desired, live), [
      { path: "agentPoolProfiles.0.maxCount", desired: 7, live: 6 },
    ]);
  });

  it("lets an updatable field of an agent pool change while its immutable fields stay guarded", () => {
    const immutable = ["agentPoolProfiles.0.name", "agentPoolProfiles.0.vmSize"];
    const desired = { agentPoolProfiles: [{ name: "system", maxCount: 7, vmSize: "Standard_D8s_v5" }] };
    const live = { agentPoolProfiles: [{ name: "system", maxCount: 6, vmSize: "Standard_D4s_v5" }] };
    const differences = diffDesired(desired, live);
    assert.deepEqual(
      differences.map((d) => d.path),
      ["agentPoolProfiles.0.maxCount", "agentPoolProfiles.0.vmSize"],
    );
    assert.deepEqual(
      immutableDifferences(differences, immutable).map((d) => d.path),
      ["agentPoolProfiles.0.vmSize"],
    );
  });

  it("reports the whole array when a named element has no live counterpart", () => {
    const differences = diffDesired({ delegations: [{ name: "pg" }] }, { delegations: [{ name: "other" }] });
    assert.deepEqual(
      differences.map((d) => d.path),
      ["delegations"],
    );
  });

  it("skips ignored paths, with * for any array element", () => {
    const desired = { agentPoolProfiles: [{ name: "default", count: 3 }] };
    const live = { agentPoolProfiles: [{ name: "default", count: 5 }] };
    assert.equal(diffDesired(desired, live).length, 1);
    assert.deepEqual(diffDesired(desired, live, { ignoredPaths: ["agentPoolProfiles.*.count"] }), []);
  });

  it("picks out differences in immutable properties, including nested ones", () => {
    const differences = diffDesired(
      { location: "northeurope", network: { delegatedSubnetResourceId: "/a" }, tags: { a: "1" } },
      { location: "westeurope", network: { delegatedSubnetResourceId: "/b" }, tags: { a: "2" } },
    );
    assert.deepEqual(
      immutableDifferences(differences, ["location", "network"]).map((d) => d.path),
      ["location", "network.delegatedSubnetResourceId"],
    );
  });

  it("blocks a grow-only value that would shrink, but lets it grow", () => {
    const rules = CHANGE_RULES_BY_KIND.postgresFlexibleServer;
    const shrink = { storage: { storageSizeGB: 32 } };
    const live = { storage: { storageSizeGB: 64 } };
    const blocked = blockedDifferences(diffDesired(shrink, live), { immutable: [], rules }, live);
    assert.deepEqual(
      blocked.map((d) => [d.path, d.reason]),
      [["storage.storageSizeGB", "flexible server storage can grow but never shrink"]],
    );
    const grow = { storage: { storageSizeGB: 128 } };
    assert.deepEqual(blockedDifferences(diffDesired(grow, live), { immutable: [], rules }, live), []);
  });

  it("blocks a subnet's range changed while something uses the subnet, not while it is unused", () => {
    const rules = CHANGE_RULES_BY_KIND.subnet;
    const desired = { addressPrefix: "10.0.1.0/24" };
    const unused = { addressPrefix: "10.0.0.0/24" };
    const used = { ...unused, privateEndpoints: [{ id: "/pe" }] };
    assert.deepEqual(blockedDifferences(diffDesired(desired, unused), { immutable: [], rules }, unused), []);
    assert.deepEqual(
      blockedDifferences(diffDesired(desired, used), { immutable: [], rules }, used).map((d) => d.path),
      ["addressPrefix"],
    );
  });
});
