import { createServer } from "node:net";

/**
 * Asks the kernel for a free TCP port on loopback. The port is released before it is returned, so a
 * caller that needs it must bind it promptly; good enough for starting local child processes.
 */
export async function findFreePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
