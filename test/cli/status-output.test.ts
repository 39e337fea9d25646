/** `envctl status`'s outputs: one `path: value` line per fact a user reads, lists of records included. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { outputLines } from "../../cli/commands/status";

describe("envctl status outputs", () => {
  test("prints a list of plain values on one line, and each record of a list of records at its index", () => {
    assert.deepEqual(
      outputLines({
        ingress: {
          dns: {
            nameServers: ["ns1-03.azure-dns.com", "ns2-03.azure-dns.net"],
            records: [
              { name: "shop.example.com", type: "A", value: "20.90.78.67" },
              { name: "*.shop.example.com", type: "A", value: "20.90.78.67" },
            ],
          },
        },
      }),
      [
        "ingress.dns.nameServers: ns1-03.azure-dns.com, ns2-03.azure-dns.net",
        "ingress.dns.records[0].name: shop.example.com",
        "ingress.dns.records[0].type: A",
        "ingress.dns.records[0].value: 20.90.78.67",
        "ingress.dns.records[1].name: *.shop.example.com",
        "ingress.dns.records[1].type: A",
        "ingress.dns.records[1].value: 20.90.78.67",
      ],
    );
  });
});
