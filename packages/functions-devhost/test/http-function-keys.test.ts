import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  generateKey,
  isAuthorized,
  KEY_SETTINGS,
  presentedKey,
  resolveFunctionKeys,
  type FunctionKeys,
} from "../src/function-keys";

const keys: FunctionKeys = { function: "f", system: "s", master: "m" };

describe("function keys", () => {
  test("open each level to the keys the real host accepts there", () => {
    const opens = (level: Parameters<typeof isAuthorized>[0]) =>
      [undefined, "f", "s", "m", "other"].filter((key) => isAuthorized(level, key, keys));
    assert.deepEqual(opens("anonymous"), [undefined, "f", "s", "m", "other"]);
    assert.deepEqual(opens("function"), ["f", "m"]);
    assert.deepEqual(opens("admin"), ["m"]);
    assert.deepEqual(opens("system"), ["s", "m"]);
  });

  test("are read from x-functions-key first, then from ?code=", () => {
    const url = new URL("http://127.0.0.1/api/x?code=from-query");
    assert.equal(presentedKey("from-header", url), "from-header");
    assert.equal(presentedKey(undefined, url), "from-query");
    assert.equal(presentedKey(undefined, new URL("http://127.0.0.1/api/x")), undefined);
  });

  test("come from explicit values, then settings, and are generated otherwise", () => {
    const { keys: resolved, generated } = resolveFunctionKeys(
      { function: "explicit" },
      { [KEY_SETTINGS.function]: "ignored", [KEY_SETTINGS.system]: "from-setting" },
    );
    assert.equal(resolved.function, "explicit");
    assert.equal(resolved.system, "from-setting");
    assert.deepEqual(generated, ["master"]);
    assert.match(resolved.master, /^[A-Za-z0-9_-]{43}$/);
  });

  test("are generated fresh and URL-safe each time", () => {
    const first = generateKey();
    assert.notEqual(first, generateKey());
    assert.equal(encodeURIComponent(first), first);
  });
});
