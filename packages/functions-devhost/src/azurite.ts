import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { connect } from "node:net";
import { extname, join } from "node:path";
import { findFreePort } from "./free-port";
import { DEVELOPMENT_ACCOUNT, DEVELOPMENT_ACCOUNT_KEY } from "./storage-connection";

export { DEVELOPMENT_ACCOUNT };

/** Options for {@link startAzurite}. */
export interface AzuriteOptions {
  /** Folder for Azurite's data. @default - in-memory persistence: everything is lost when it stops */
  readonly location?: string;
  /** Blob, queue and table ports. @default - free ports chosen at start */
  readonly blobPort?: number;
  readonly queuePort?: number;
  readonly tablePort?: number;
  /** How long to wait for all three services to accept connections. @default 30000 */
  readonly startTimeoutMs?: number;
}

/** A running Azurite child process and the endpoints that reach it. */
export interface RunningAzurite {
  readonly blobEndpoint: string;
  readonly queueEndpoint: string;
  readonly tableEndpoint: string;
  /** A storage connection string for the well-known development account on these ports. */
  readonly connectionString: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Builds the connection string for the development account on the given ports. */
export function developmentConnectionString(blobPort: number, queuePort: number, tablePort: number): string {
  return [
    "DefaultEndpointsProtocol=http",
    `AccountName=${DEVELOPMENT_ACCOUNT}`,
    `AccountKey=${DEVELOPMENT_ACCOUNT_KEY}`,
    `BlobEndpoint=http://127.0.0.1:${blobPort}/${DEVELOPMENT_ACCOUNT}`,
    `QueueEndpoint=http://127.0.0.1:${queuePort}/${DEVELOPMENT_ACCOUNT}`,
    `TableEndpoint=http://127.0.0.1:${tablePort}/${DEVELOPMENT_ACCOUNT}`,
  ].join(";");
}

/**
 * Starts Azurite (blob, queue, table) from the project's own dependency, offline: telemetry off and the
 * API-version check skipped so newer storage SDKs are accepted.
 */
export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const choosesPorts =
    options.blobPort === undefined || options.queuePort === undefined || options.tablePort === undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchAzurite(options, {
        blob: options.blobPort ?? (await findFreePort()),
        queue: options.queuePort ?? (await findFreePort()),
        table: options.tablePort ?? (await findFreePort()),
      });
    } catch (error) {
      // A free port is released before Azurite binds it, so another process may take it meanwhile:
      // ports chosen here are chosen again.
      if (!choosesPorts || attempt >= PORT_ATTEMPTS || !(error instanceof PortTakenError)) throw error;
    }
  }
}

/** Attempts at starting on freshly chosen ports before giving up. */
const PORT_ATTEMPTS = 3;

class PortTakenError extends Error {}

async function launchAzurite(
  options: AzuriteOptions,
  ports: { blob: number; queue: number; table: number },
): Promise<RunningAzurite> {
  const { blob: blobPort, queue: queuePort, table: tablePort } = ports;
  const args = [
    "--silent",
    "--disableTelemetry",
    "--skipApiVersionCheck",
    "--loose",
    "--blobHost",
    "127.0.0.1",
    "--queueHost",
    "127.0.0.1",
    "--tableHost",
    "127.0.0.1",
    "--blobPort",
    String(blobPort),
    "--queuePort",
    String(queuePort),
    "--tablePort",
    String(tablePort),
  ];
  if (options.location) {
    mkdirSync(options.location, { recursive: true });
    args.push("--location", options.location);
  } else {
    args.push("--inMemoryPersistence");
  }
  // Azurite runs under a launcher that exits when this process is gone (its stdin pipe closes), so a
  // hard kill of whatever started it never leaves Azurite running against the data folder.
  const launcher = join(__dirname, `azurite-child${extname(__filename)}`);
  const loader = extname(__filename) === ".ts" ? ["--import", "tsx"] : [];
  const child = spawn(process.execPath, [...loader, launcher, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.stdout?.resume();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (const port of [blobPort, queuePort, tablePort]) {
    while (!(await canConnect(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill("SIGKILL");
        const message = `Azurite did not start on port ${port}: ${stderr.trim() || "no output"}`;
        throw stderr.includes("EADDRINUSE") ? new PortTakenError(message) : new Error(message);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    blobEndpoint: `http://127.0.0.1:${blobPort}/${DEVELOPMENT_ACCOUNT}`,
    queueEndpoint: `http://127.0.0.1:${queuePort}/${DEVELOPMENT_ACCOUNT}`,
    tableEndpoint: `http://127.0.0.1:${tablePort}/${DEVELOPMENT_ACCOUNT}`,
    connectionString: developmentConnectionString(blobPort, queuePort, tablePort),
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
