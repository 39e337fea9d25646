/** Defaults: where the subnets go, and which defaults a spec picks up (to be pinned into its plan). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CLUSTER_DEFAULTS, defaultSubnetLayout, POSTGRES_DEFAULTS } from "../../lib/spec/defaults";
import { validateSpec } from "../../lib/spec/validate";
import { specDocument } from "./fixtures";

describe("defaultSubnetLayout", () => {
  it("lays out the design's default VNet", () => {
    assert.deepEqual(defaultSubnetLayout("10.0.0.0/16"), {
      nodes_subnet_cidr: "10.0.0.0/18",
      private_endpoints_subnet_cidr: "10.0.64.0/24",
      postgres_subnet_cidr: "10.0.65.0/24",
    });
  });

  it("follows a VNet elsewhere and of another size", () => {
    assert.deepEqual(defaultSubnetLayout("192.168.16.0/20"), {
      nodes_subnet_cidr: "192.168.16.0/22",
      private_endpoints_subnet_cidr: "192.168.20.0/28",
      postgres_subnet_cidr: "192.168.20.16/28",
    });
  });

  it("keeps given subnets and moves only a default place they take to the first free block of its size", () => {
    assert.deepEqual(defaultSubnetLayout("10.0.0.0/16", { nodes_subnet_cidr: "10.0.0.0/17" }), {
      nodes_subnet_cidr: "10.0.0.0/17",
      private_endpoints_subnet_cidr: "10.0.128.0/24",
      postgres_subnet_cidr: "10.0.129.0/24",
    });
    assert.deepEqual(defaultSubnetLayout("10.0.0.0/16", { nodes_subnet_cidr: "10.0.200.0/24" }), {
      nodes_subnet_cidr: "10.0.200.0/24",
      private_endpoints_subnet_cidr: "10.0.64.0/24",
      postgres_subnet_cidr: "10.0.65.0/24",
    });
  });

  it("leaves out a subnet the given ones leave no room for", () => {
    assert.deepEqual(defaultSubnetLayout("10.0.0.0/16", { nodes_subnet_cidr: "10.0.0.0/16" }), {
      nodes_subnet_cidr: "10.0.0.0/16",
    });
  });

  it("gives up on VNets smaller than /20", () => {
    assert.equal(defaultSubnetLayout("10.0.0.0/21"), undefined);
  });

  it("yields subnets that pass validation for every VNet size it accepts", () => {
    for (let prefix = 8; prefix <= 20; prefix++) {
      const vnet = `10.0.0.0/${prefix}`;
      const result = validateSpec(specDocument([{ type: "base", vnet_cidr: vnet }]));
      assert.deepEqual(result.ok ? [] : result.problems, [], vnet);
    }
  });
});

describe("applied defaults", () => {
  it("records exactly the keys a module left out, with the values used", () => {
    const result = validateSpec(
      specDocument([
        { type: "base", vnet_cidr: "10.0.0.0/16" },
        { type: "k8s-cluster", max_nodes: 6, kubernetes_version: "1.34" },
        { type: "postgres", name: "db", database: "orders" },
      ]),
    );
    assert.ok(result.ok);
    const defaults = result.spec.appliedDefaults;
    assert.deepEqual(Object.keys(defaults), ["base", "k8s-cluster", "db"]);
    assert.deepEqual(defaults.base, {
      nodes_subnet_cidr: "10.0.0.0/18",
      private_endpoints_subnet_cidr: "10.0.64.0/24",
      postgres_subnet_cidr: "10.0.65.0/24",
      container_registry: true,
    });
    assert.equal(defaults["k8s-cluster"]!.min_nodes, CLUSTER_DEFAULTS.min_nodes);
    assert.equal("max_nodes" in defaults["k8s-cluster"]!, false);
    assert.equal("kubernetes_version" in defaults["k8s-cluster"]!, false);
    assert.equal(defaults.db!.engine_version, POSTGRES_DEFAULTS.engine_version);
    assert.equal("database" in defaults.db!, false);
    assert.deepEqual(defaults.db!.kubernetes_secret, { namespace: "staging", name: "db-connection" });
  });

  it("records nothing for a module that sets every key", () => {
    const result = validateSpec(
      specDocument([
        { type: "base" },
        {
          type: "redis",
          name: "cache",
          engine: "azure-managed-redis",
          sku_name: "Basic",
          family: "C",
          capacity: 0,
          high_availability: false,
          auth: "access-key",
          kubernetes_secret: false,
        },
      ]),
    );
    assert.ok(result.ok);
    assert.equal("cache" in result.spec.appliedDefaults, false);
  });
});
