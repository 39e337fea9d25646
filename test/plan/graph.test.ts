/** DAG algorithms on small graphs whose answers are known by hand. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { isPlanGraphError } from "../../lib/plan/errors";
import {
  chainToEndSec,
  criticalPath,
  earliestSchedule,
  topologicalOrder,
  type GraphNode,
} from "../../lib/plan/graph";

const node = (key: string, estimatedDurationSec: number, dependsOn: string[] = []): GraphNode => ({
  key,
  dependsOn,
  estimatedDurationSec,
});

/** rg → (redis 1200 → pe 60), (vnet 10 → subnet 10 → aks 480), (vnet → pe) */
const ENVIRONMENT = [
  node("rg", 1),
  node("redis", 1200, ["rg"]),
  node("vnet", 10, ["rg"]),
  node("subnet", 10, ["vnet"]),
  node("aks", 480, ["subnet"]),
  node("pe", 60, ["redis", "subnet"]),
];

describe("topologicalOrder", () => {
  it("puts dependencies first and breaks ties by key", () => {
    assert.deepEqual(
      topologicalOrder(ENVIRONMENT).map((entry) => entry.key),
      ["rg", "redis", "vnet", "subnet", "aks", "pe"],
    );
  });

  it("does not depend on the input order", () => {
    const reversed = [...ENVIRONMENT].reverse();
    assert.deepEqual(topologicalOrder(reversed), topologicalOrder(ENVIRONMENT));
  });

  it("fails on a cycle, naming the nodes in it", () => {
    assert.throws(
      () => topologicalOrder([node("a", 1, ["c"]), node("b", 1, ["a"]), node("c", 1, ["b"]), node("d", 1)]),
      (error: unknown) =>
        isPlanGraphError(error) && error.message === "the dependencies form a cycle through a, b, c",
    );
  });

  it("fails on a dependency on an unknown node", () => {
    assert.throws(
      () => topologicalOrder([node("a", 1, ["ghost"])]),
      (error: unknown) =>
        isPlanGraphError(error) && error.message === 'node "a" depends on unknown node "ghost"',
    );
  });

  it("fails on a duplicate key", () => {
    assert.throws(() => topologicalOrder([node("a", 1), node("a", 2)]), isPlanGraphError);
  });

  it("orders every random DAG so each node follows its dependencies", () => {
    const randomDag = fc
      .array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: 1, maxLength: 30 })
      .map((parents) =>
        parents.map((candidates, index) =>
          node(
            `n${String(index).padStart(2, "0")}`,
            1,
            index === 0
              ? []
              : candidates.map((candidate) => `n${String(candidate % index).padStart(2, "0")}`),
          ),
        ),
      );
    fc.assert(
      fc.property(randomDag, fc.nat(), (nodes, seed) => {
        const shuffled = [...nodes].sort(
          (a, b) => ((a.key.charCodeAt(2) * 31 + seed) % 7) - ((b.key.charCodeAt(2) * 31 + seed) % 7),
        );
        const order = topologicalOrder(shuffled).map((entry) => entry.key);
        const position = new Map(order.map((key, index) => [key, index]));
        assert.equal(order.length, nodes.length);
        for (const entry of nodes) {
          for (const dependency of entry.dependsOn)
            assert.ok(position.get(dependency)! < position.get(entry.key)!);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("criticalPath", () => {
  it("follows the longest chain by duration, not by node count", () => {
    assert.deepEqual(criticalPath(ENVIRONMENT), { keys: ["rg", "redis", "pe"], lengthSec: 1261 });
  });

  it("changes when a short chain becomes the longest", () => {
    const slowCluster = ENVIRONMENT.map((entry) =>
      entry.key === "aks" ? node("aks", 5000, ["subnet"]) : entry,
    );
    assert.deepEqual(criticalPath(slowCluster), { keys: ["rg", "vnet", "subnet", "aks"], lengthSec: 5021 });
  });

  it("is a single node for a graph without edges, and empty for an empty graph", () => {
    assert.deepEqual(criticalPath([node("b", 5), node("a", 9), node("c", 2)]), { keys: ["a"], lengthSec: 9 });
    assert.deepEqual(criticalPath([]), { keys: [], lengthSec: 0 });
  });

  it("breaks ties deterministically by key", () => {
    assert.deepEqual(criticalPath([node("x", 5), node("y", 5), node("z", 1, ["y", "x"])]), {
      keys: ["x", "z"],
      lengthSec: 6,
    });
  });
});

describe("earliestSchedule", () => {
  it("starts each node when its last dependency ends", () => {
    const schedule = Object.fromEntries(
      earliestSchedule(ENVIRONMENT).map((entry) => [entry.key, [entry.startSec, entry.finishSec]]),
    );
    assert.deepEqual(schedule, {
      rg: [0, 1],
      redis: [1, 1201],
      vnet: [1, 11],
      subnet: [11, 21],
      aks: [21, 501],
      pe: [1201, 1261],
    });
  });
});

describe("chainToEndSec", () => {
  it("gives each node the longest chain from its start to the end, its own duration included", () => {
    assert.deepEqual(Object.fromEntries(chainToEndSec(ENVIRONMENT)), {
      rg: 1261,
      redis: 1260,
      vnet: 500,
      subnet: 490,
      aks: 480,
      pe: 60,
    });
  });

  it("gives the critical path's first node the critical path's length, and no node more", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.nat(), fc.nat())),
        (durations, edges) => {
          // Edges only from a later index to an earlier one: never a cycle.
          const nodes = durations.map((duration, index) =>
            node(
              `n${index}`,
              duration,
              edges
                .filter(([from, to]) => from % durations.length === index && to % durations.length < index)
                .map(([, to]) => `n${to % durations.length}`),
            ),
          );
          const chains = chainToEndSec(nodes);
          const path = criticalPath(nodes);
          assert.equal(chains.get(path.keys[0] as string), path.lengthSec);
          for (const value of chains.values()) assert.ok(value <= path.lengthSec);
        },
      ),
    );
  });
});
