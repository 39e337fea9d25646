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
  // Long polls never hold a request open; a short keep-alive keeps SDK connection reuse cheap.
  server.keepAliveTimeout = 5000;
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
