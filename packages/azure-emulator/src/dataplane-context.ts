/** The core's side of the data-plane contract: token checks, role checks and injected lags. */
import { readTokenClaims } from "./credential.js";
import type { DataPlaneContext, Principal } from "./dataplane.js";
import type { FaultInjector } from "./faults.js";
import type { ResourceStore } from "./store.js";
import { ROLE_ASSIGNMENT_TYPE } from "./types/authorization.js";
import { propertiesOf } from "./types/shared.js";

/** Options of {@link createDataPlaneContext}. */
export interface DataPlaneContextDeps {
  readonly store: ResourceStore;
  readonly faults: FaultInjector;
  timeScale(): number;
  now(): number;
  /** RBAC propagation on Azure, in seconds (scaled by the time scale). */
  readonly rolePropagationSec: number;
}

const normalizeAudience = (aud: string): string => aud.trim().replace(/\/+$/, "").toLowerCase();

/**
 * Checks a bearer header against an audience. Also used for ARM requests.
 * @returns the principal, or undefined for a missing, malformed, expired or wrong-audience token
 */
export function authenticateBearer(
  authorization: string | undefined,
  audience: string,
  nowMs: number,
): Principal | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!match?.[1]) return undefined;
  const claims = readTokenClaims(match[1]);
  if (!claims || claims.exp * 1000 <= nowMs) return undefined;
  if (normalizeAudience(claims.aud) !== normalizeAudience(audience)) return undefined;
  return { objectId: claims.oid, ...(claims.tid ? { tenantId: claims.tid } : {}) };
}

/** True when `scopeId` is `assignmentScope` or lies below it. */
function withinScope(scopeId: string, assignmentScope: string): boolean {
  const scope = scopeId.toLowerCase().replace(/\/+$/, "");
  const outer = assignmentScope.toLowerCase().replace(/\/+$/, "");
  return scope === outer || scope.startsWith(`${outer}/`) || outer === "";
}

export function createDataPlaneContext(deps: DataPlaneContextDeps): DataPlaneContext {
  return {
    now: () => deps.now(),
    timeScale: () => deps.timeScale(),
    authenticate: (authorization, audience) => authenticateBearer(authorization, audience, deps.now()),
    hasRole(principalId, scopeId, roleDefinitionIds) {
      const propagationMs = deps.rolePropagationSec * 1000 * deps.timeScale();
      const wanted = roleDefinitionIds.map((id) => id.toLowerCase().split("/").at(-1) ?? "");
      return deps.store.ofType(ROLE_ASSIGNMENT_TYPE).some((assignment) => {
        const props = propertiesOf(assignment.body);
        return (
          String(props.principalId).toLowerCase() === principalId.toLowerCase() &&
          wanted.includes(String(props.roleDefinitionId).toLowerCase().split("/").at(-1) ?? "") &&
          withinScope(scopeId, assignment.parentId) &&
          assignment.createdAtMs + propagationMs <= deps.now()
        );
      });
    },
    keyVaultFirewallLagRemainingMs(vaultCreatedAtMs) {
      const lagMs = deps.faults.durationSec("keyvault-firewall-lag") * 1000 * deps.timeScale();
      return Math.max(0, vaultCreatedAtMs + lagMs - deps.now());
    },
  };
}
