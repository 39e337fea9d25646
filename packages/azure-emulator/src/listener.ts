/** HTTPS listeners on loopback that close promptly, open keep-alive connections included. */
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TlsMaterial } from "./tls.js";

/** A listening HTTPS server. */
export interface HttpsListener {
  readonly port: number;
  /** `https://127.0.0.1:<port>` */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * How long an idle keep-alive connection stays open: minutes, as on Azure, whose load balancers close
 * idle TCP connections after 4 minutes by default.
 */
const IDLE_CONNECTION_MS = 120_000;

/**
 * Listens on 127.0.0.1.
 * @param port - 0 picks a free port; a taken non-zero port falls back to a free one when `fallback`
 */
export async function listenHttps(
  tls: TlsMaterial,
  port: number,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  fallback = false,
): Promise<HttpsListener> {
  const server: Server = createServer({ key: tls.serverKeyPem, cert: tls.serverCertPem }, handler);
  // Closing idle connections after Node's default 5 s made a client that reuses one race the server's
  // close: a request sent as the socket closes fails with ECONNRESET. The SDK retries that in
  // production, but clients with SDK retries off (tests of injected faults) saw it as a failed read.
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
  const bound = await new Promise<number>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (fallback && port !== 0 && error.code === "EADDRINUSE") {
        server.listen(0, "127.0.0.1");
        return;
      }
      reject(error);
    };
    server.on("error", onError);
    server.once("listening", () => {
      server.off("error", onError);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
    server.listen(port, "127.0.0.1");
  });
  return {
    port: bound,
    origin: `https://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
