/**
 * On a re-apply: the changes Azure cannot make in place, found before anything is written. The plan
 * preview already marks such nodes `blocked` (immutable properties, storage that would shrink, a subnet
 * range changed while the live subnet lists its users); a subnet whose range changes while another
 * existing resource of the plan sits in it is blocked too, whether or not its live state lists that user.
 */
import { nodesOf, pathOf, touches, type PreflightContext } from "./context";

/** The base module's field behind each subnet node (`base/subnet-<part>`). */
const SUBNET_FIELDS: Readonly<Record<string, string>> = {
  nodes: "nodes_subnet_cidr",
  "private-endpoints": "private_endpoints_subnet_cidr",
  postgres: "postgres_subnet_cidr",
};

/** The base module's field behind a subnet node, if it has one. */
function subnetField(nodeKey: string): string | undefined {
  return SUBNET_FIELDS[nodeKey.split("/subnet-")[1] ?? ""];
}

/** Refuses every change Azure would refuse to make in place. */
export function checkChanges(context: PreflightContext): void {
  const { findings, plan } = context;
  for (const node of plan.nodes) {
    const view = context.changeOf(node.key);
    if (view.change !== "blocked") continue;
    const why = (view.immutablePaths ?? []).map(
      (path, index) => `${path}: ${view.blockedReasons?.[index] ?? "cannot change after creation"}`,
    );
    findings.refuse(
      "changes",
      "ChangeBlocked",
      pathOf(context, node, node.kind === "subnet" ? subnetField(node.key) : undefined),
      `${node.key} (${node.kind} ${node.name}) exists and Azure cannot change it in place (${why.join("; ")}); the build would refuse it: keep the value it was built with, or build a new environment`,
    );
  }
  for (const subnet of nodesOf(plan, "subnet")) {
    const view = context.changeOf(subnet.key);
    if (view.change !== "update" || !touches(view, "addressPrefix")) continue;
    const id = subnet.id.toLowerCase();
    const users = plan.nodes.filter(
      (node) =>
        node.key !== subnet.key &&
        context.changeOf(node.key).change !== "create" &&
        JSON.stringify(node.desired).toLowerCase().includes(`"${id}"`),
    );
    if (users.length === 0) continue;
    findings.refuse(
      "changes",
      "ChangeBlocked",
      pathOf(context, subnet, subnetField(subnet.key)),
      `${subnet.key} (subnet ${subnet.name}) is in use by ${users.map((user) => user.key).join(", ")}: Azure cannot change its address range while anything uses it (InUseSubnetCannotBeUpdated); keep its range`,
    );
  }
}
