import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InboxCache } from "../src/durable/inbox-cache";
import type { NewMessage } from "../src/durable/store";
import { externalMessage } from "../src/durable/work-items";

const ID = "instance-1";
const message = (suffix: string, instanceId = ID): NewMessage =>
  externalMessage(instanceId, { type: "resume" }, 1_000, suffix);
const keysOf = (items: readonly NewMessage[] | undefined) => items?.map((item) => item.rowKey).sort();

describe("an engine's knowledge of an instance's inbox", () => {
  test("is unknown until listed, then kept whole by the engine's own writes and deletions", () => {
    const inbox = new InboxCache();
    const [a, b, c] = [message("a"), message("b"), message("c")];
    inbox.written(a);
    assert.equal(inbox.get(ID), undefined, "a write alone does not make the inbox known");
    inbox.listing(ID);
    inbox.listed(ID, [a, b]);
    assert.deepEqual(keysOf(inbox.get(ID)), keysOf([a, b]));
    inbox.written(c);
    inbox.deleted(ID, [a.rowKey]);
    assert.deepEqual(keysOf(inbox.get(ID)), keysOf([b, c]));
  });

  test("keeps a row written while a listing was in flight, which the listing's answer may lack", () => {
    const inbox = new InboxCache();
    const [a, b] = [message("a"), message("b")];
    inbox.listing(ID);
    inbox.written(b);
    inbox.listed(ID, [a]);
    assert.deepEqual(keysOf(inbox.get(ID)), keysOf([a, b]));
  });

  test("forgets the inbox when a scan reports a row it neither holds nor deleted (another engine's)", () => {
    const inbox = new InboxCache();
    const [a, b] = [message("a"), message("b")];
    inbox.listing(ID);
    inbox.listed(ID, [a, b]);
    inbox.deleted(ID, [a.rowKey]);
    inbox.seen(ID, a.rowKey);
    inbox.seen(ID, b.rowKey);
    assert.deepEqual(
      keysOf(inbox.get(ID)),
      keysOf([b]),
      "rows it holds, or deleted since the scan read them",
    );
    inbox.seen(ID, message("from-elsewhere").rowKey);
    assert.equal(inbox.get(ID), undefined);
  });

  test("does not take a listing's answer as whole when the inbox was forgotten while it was in flight", () => {
    const inbox = new InboxCache();
    inbox.listing(ID);
    inbox.forget(ID);
    inbox.listed(ID, [message("a")]);
    assert.equal(inbox.get(ID), undefined);
  });

  test("keeps the most recently listed instances up to its capacity", () => {
    const inbox = new InboxCache(2);
    for (const id of ["one", "two", "three"]) {
      inbox.listing(id);
      inbox.listed(id, [message("a", id)]);
    }
    assert.equal(inbox.get("one"), undefined);
    assert.equal(inbox.get("two")?.length, 1);
    assert.equal(inbox.get("three")?.length, 1);
  });
});
