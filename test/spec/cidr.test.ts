/** IPv4 CIDR arithmetic, the ground truth of the network rules. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  containsAddress,
  containsBlock,
  formatCidr,
  formatIpv4,
  overlaps,
  parseCidr,
  parseIpv4,
  subBlock,
  type Ipv4Block,
} from "../../lib/spec/cidr";

function block(text: string): Ipv4Block {
  const parsed = parseCidr(text);
  assert.ok(parsed.ok, `${text} should parse`);
  return parsed.block;
}

describe("parseCidr", () => {
  it("reads network addresses with prefixes 0–32", () => {
    assert.deepEqual(block("10.0.0.0/16"), { base: 10 * 2 ** 24, prefixLength: 16 });
    assert.deepEqual(block("0.0.0.0/0"), { base: 0, prefixLength: 0 });
    assert.deepEqual(block("255.255.255.255/32"), { base: 2 ** 32 - 1, prefixLength: 32 });
  });

  it("fails on host bits, suggesting the network address", () => {
    assert.deepEqual(parseCidr("10.0.3.7/16"), {
      ok: false,
      problem: { kind: "host-bits", suggestion: "10.0.0.0/16" },
    });
  });

  it("fails on malformed text", () => {
    for (const text of [
      "10.0.0.0",
      "10.0.0.0/33",
      "10.0.0/8",
      "10.0.0.256/32",
      "010.0.0.0/8",
      "a.b.c.d/8",
      "10.0.0.0/-1",
      " 10.0.0.0/8",
    ]) {
      assert.deepEqual(parseCidr(text), { ok: false, problem: { kind: "syntax" } }, text);
    }
  });

  it("round-trips every address and block through text", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 32 }),
        (address, prefixLength) => {
          assert.equal(parseIpv4(formatIpv4(address)), address);
          const base = address - (address % 2 ** (32 - prefixLength));
          assert.deepEqual(block(formatCidr({ base, prefixLength })), { base, prefixLength });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("containment and overlap", () => {
  it("knows a subnet inside its VNet and one outside", () => {
    assert.equal(containsBlock(block("10.0.0.0/16"), block("10.0.64.0/24")), true);
    assert.equal(containsBlock(block("10.0.0.0/16"), block("10.1.0.0/24")), false);
    assert.equal(containsBlock(block("10.0.0.0/24"), block("10.0.0.0/16")), false);
  });

  it("finds overlaps in both directions and none between neighbours", () => {
    assert.equal(overlaps(block("10.0.0.0/16"), block("10.0.128.0/20")), true);
    assert.equal(overlaps(block("10.0.128.0/20"), block("10.0.0.0/16")), true);
    assert.equal(overlaps(block("10.0.0.0/24"), block("10.0.1.0/24")), false);
  });

  it("finds addresses at the edges of a block", () => {
    const service = block("172.16.0.0/16");
    assert.equal(containsAddress(service, parseIpv4("172.16.0.0")!), true);
    assert.equal(containsAddress(service, parseIpv4("172.16.255.255")!), true);
    assert.equal(containsAddress(service, parseIpv4("172.17.0.0")!), false);
  });

  it("carves the n-th sub-block and refuses one that does not fit", () => {
    assert.equal(formatCidr(subBlock(block("10.0.0.0/16"), 24, 65)!), "10.0.65.0/24");
    assert.equal(subBlock(block("10.0.0.0/16"), 24, 256), undefined);
    assert.equal(subBlock(block("10.0.0.0/16"), 8, 0), undefined);
  });
});
