/**
 * Watches (`?watch=true`): a chunked stream of JSON events, one per line (`{"type":"ADDED","object":…}`),
 * as kube-apiserver writes them ("Efficient detection of changes",
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes):
 * - without `resourceVersion` (or `0`): synthetic ADDED events for what exists, then changes;
 * - with one: the changes after it, from the store's event log; one older than the log reaches answers
 *   an ERROR event with a 410 `Expired` Status, the client then lists again;
 * - label and field selectors filter events; an object that stops matching is reported DELETED;
 * - `timeoutSeconds` ends the stream (default: the server's 30 minutes);
 * - with `Accept: …;as=Table`, each event's object is a Table of one row, column definitions first only.
 */
import type { ServerResponse } from "node:http";
import type { KubeObject } from "./kube-object";
import type { ClusterObjectStore, StoreEvent } from "./object-store";
import type { ResourceKind } from "./resource-kinds";
import { statusObject } from "./status";
import { tableOf } from "./table";

/** What a watch follows. */
export interface WatchRequest {
  readonly kind: ResourceKind;
  /** Only objects in this namespace; all when absent. */
  readonly namespace?: string;
  /** True when the object is one the watch's selectors select. */
  readonly matches: (object: KubeObject) => boolean;
  readonly resourceVersion: string | null;
  readonly timeoutSeconds: number | null;
  readonly asTable: boolean;
  readonly nowMs: () => number;
}

/** The API server's default for a watch without `timeoutSeconds` (its `min-request-timeout`, 1800 s). */
const DEFAULT_TIMEOUT_SECONDS = 1800;

/** Streams events of `store` to `res` until the timeout, the client leaving, or the server closing. */
export function serveWatch(res: ServerResponse, store: ClusterObjectStore, watch: WatchRequest): void {
  res.writeHead(200, {
    "Content-Type": "application/json",
    "Transfer-Encoding": "chunked",
    "Cache-Control": "no-cache, private",
  });
  let headersSent = false;
  const inScope = (object: KubeObject): boolean =>
    !watch.kind.namespaced || watch.namespace === undefined || object.metadata.namespace === watch.namespace;
  const send = (type: string, object: unknown): void => {
    if (res.writableEnded) return;
    let payload = object;
    if (watch.asTable && type !== "ERROR") {
      const table = tableOf(
        watch.kind,
        [object as KubeObject],
        (object as KubeObject).metadata.resourceVersion ?? "",
        watch.nowMs(),
      );
      payload = headersSent ? { ...table, columnDefinitions: [] } : table;
      headersSent = true;
    }
    res.write(`${JSON.stringify({ type, object: payload })}\n`);
  };
  const forward = (event: StoreEvent): void => {
    if (event.plural !== watch.kind.plural || !inScope(event.object)) return;
    const now = watch.matches(event.object);
    const before = event.previous ? watch.matches(event.previous) : false;
    if (event.type === "DELETED") {
      if (now) send("DELETED", event.object);
    } else if (event.type === "ADDED") {
      if (now) send("ADDED", event.object);
    } else if (now && before) send("MODIFIED", event.object);
    else if (now) send("ADDED", event.object);
    else if (before) send("DELETED", event.object);
  };

  const from = watch.resourceVersion;
  if (from === null || from === "" || from === "0") {
    for (const object of store.list({ kind: watch.kind, namespace: watch.namespace })) {
      if (watch.matches(object)) send("ADDED", object);
    }
  } else {
    const backlog = store.eventsAfter(Number(from));
    if (backlog === "expired" || !Number.isFinite(Number(from))) {
      send(
        "ERROR",
        statusObject(
          "Failure",
          410,
          `too old resource version: ${from} (${store.currentResourceVersion()})`,
          "Expired",
          undefined,
        ),
      );
      res.end();
      return;
    }
    for (const event of backlog) forward(event);
  }

  const unsubscribe = store.subscribe(forward);
  const timer = setTimeout(() => res.end(), (watch.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000);
  timer.unref();
  res.on("close", () => {
    clearTimeout(timer);
    unsubscribe();
  });
}
