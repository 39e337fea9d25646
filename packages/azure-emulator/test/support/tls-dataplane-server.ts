/**
 * Test setup for the emulator's data planes without the ARM core: an HTTPS server on 127.0.0.1 that
 * reads the body and hands the request to a data-plane handler, and a {@link DataPlaneContext} whose
 * clock, time scale, role assignments and firewall lag the test controls.
 */
import { createServer } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readTokenClaims } from "../../src/credential";
import type { DataPlaneContext, Principal } from "../../src/dataplane";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureTlsMaterial } from "../../src/tls";

/** A request handler that receives the whole body. */
export type BufferedHandler = (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) => unknown;

/** A running test server. */
export interface TestTlsServer {
  /** `https://127.0.0.1:<port>` */
  readonly origin: string;
  readonly tls: TestTlsMaterial;
  close(): Promise<void>;
}

/** PEM material for a test TLS server and its clients. */
export interface TestTlsMaterial {
  /** The CA certificate clients trust. */
  readonly caPem: string;
  /** The server certificate, SAN `IP:127.0.0.1` and `DNS:localhost`. */
  readonly certPem: string;
  readonly keyPem: string;
}

let sharedTls: TestTlsMaterial | undefined;

/**
 * One CA and certificate per test process, made by the emulator's own generator in a fresh temporary
 * directory: key generation is the slowest part of setup.
 */
export function testTlsMaterial(): TestTlsMaterial {
  if (!sharedTls) {
    const material = ensureTlsMaterial(mkdtempSync(join(tmpdir(), "data-plane-tls-")));
    sharedTls = { caPem: material.caCertPem, certPem: material.serverCertPem, keyPem: material.serverKeyPem };
  }
  return sharedTls;
}

/** Starts an HTTPS server on a free loopback port that passes each buffered request to `handler`. */
export async function startTestTlsServer(handler: BufferedHandler): Promise<TestTlsServer> {
  const tls = testTlsMaterial();
  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", `https://${req.headers.host ?? "127.0.0.1"}`);
      Promise.resolve(handler(req, res, url, Buffer.concat(chunks))).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${port}`,
    tls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A role the fake context grants: principal, scope (the grant covers child scopes) and role id. */
export interface FakeRoleAssignment {
  readonly principalId: string;
  readonly scope: string;
  readonly roleDefinitionId: string;
}

/** A {@link DataPlaneContext} driven by the test. */
export interface FakeDataPlaneContext extends DataPlaneContext {
  /** Role assignments `hasRole` consults; push and splice freely. */
  readonly roleAssignments: FakeRoleAssignment[];
  /** Firewall lag after vault creation, in ms (0 = none). */
  firewallLagMs: number;
  /** Time multiplier reported to the data planes. */
  scale: number;
}

/**
 * Checks tokens like the core does (audience and expiry from the unsigned JWT) and grants roles from
 * `roleAssignments`, with no propagation delay.
 */
export function createFakeDataPlaneContext(options: { scale?: number } = {}): FakeDataPlaneContext {
  const context: FakeDataPlaneContext = {
    roleAssignments: [],
    firewallLagMs: 0,
    scale: options.scale ?? 0.001,
    now: () => Date.now(),
    timeScale: () => context.scale,
    authenticate(authorization, audience): Principal | undefined {
      const match = /^Bearer (.+)$/i.exec(authorization ?? "");
      const claims = match?.[1] ? readTokenClaims(match[1]) : undefined;
      if (!claims || claims.aud.replace(/\/$/, "") !== audience || claims.exp * 1000 <= Date.now())
        return undefined;
      return { objectId: claims.oid, tenantId: claims.tid || undefined };
    },
    hasRole(principalId, scopeId, roleDefinitionIds) {
      const scope = scopeId.toLowerCase();
      return context.roleAssignments.some(
        (assignment) =>
          assignment.principalId === principalId &&
          (scope === assignment.scope.toLowerCase() ||
            scope.startsWith(`${assignment.scope.toLowerCase()}/`)) &&
          roleDefinitionIds.includes(assignment.roleDefinitionId),
      );
    },
    keyVaultFirewallLagRemainingMs(vaultCreatedAtMs) {
      return Math.max(0, vaultCreatedAtMs + context.firewallLagMs - Date.now());
    },
  };
  return context;
}
