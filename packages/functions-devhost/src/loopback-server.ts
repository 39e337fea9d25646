/** Listening on loopback and stopping within a bound: shared by the HTTP host and the durable RPC listener. */
import type { Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * Waits for `pending` to settle, but no longer than `graceMs`.
 * @returns whether everything settled in time.
 */
export async function settleWithin(pending: Iterable<Promise<unknown>>, graceMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs);
  });
  const settled = Promise.allSettled([...pending]).then(() => true as const);
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A server listening on 127.0.0.1. */
export interface LoopbackListener {
  readonly port: number;
  /**
   * Stops accepting connections, waits for `pending` (the requests in progress) up to `graceMs`, then
   * drops every connection still open.
   */
  close(graceMs: number, pending?: Iterable<Promise<unknown>>): Promise<void>;
}

/** Starts `server` on 127.0.0.1:`port` (0 = a free port), tracking its connections for {@link LoopbackListener.close}. */
export async function listenOnLoopback(server: Server, port: number): Promise<LoopbackListener> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close(graceMs, pending = []) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await settleWithin(pending, graceMs);
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
