/**
 * Prints the conformance figures per type: checks passed / total, and how many of the spec examples'
 * answer keys the PUT and GET answers carry. Asserts nothing (the test does).
 *
 *   npm run build && node packages/azure-emulator/dist/test/conformance/report.js [--failures]
 */
import { startTestEmulator } from "../harness.js";
import { REPORTED_TYPES, runConformance } from "./run.js";

async function main(): Promise<void> {
  const emulator = await startTestEmulator({ throttling: false });
  try {
    const { checks, coverage } = await runConformance(emulator);
    const rows = REPORTED_TYPES.map((type) => {
      const mine = checks.filter((check) => check.type === type);
      const keys = (answer: "PUT" | "GET") => {
        const found = coverage.find((c) => c.type === type && c.answer === answer);
        return found ? `${found.carried}/${found.total}` : "-";
      };
      return {
        type,
        passed: mine.filter((c) => c.passed).length,
        total: mine.length,
        put: keys("PUT"),
        get: keys("GET"),
      };
    });
    console.log("| type | checks passed | PUT answer keys | GET answer keys |");
    console.log("| --- | --- | --- | --- |");
    for (const row of rows)
      console.log(`| ${row.type} | ${row.passed}/${row.total} | ${row.put} | ${row.get} |`);
    const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((n, r) => n + f(r), 0);
    const keyTotals = (answer: "PUT" | "GET") => {
      const mine = coverage.filter((c) => c.answer === answer);
      return `${mine.reduce((n, c) => n + c.carried, 0)}/${mine.reduce((n, c) => n + c.total, 0)}`;
    };
    console.log(
      `| all | ${sum((r) => r.passed)}/${sum((r) => r.total)} | ${keyTotals("PUT")} | ${keyTotals("GET")} |`,
    );
    if (process.argv.includes("--failures")) {
      for (const check of checks.filter((c) => !c.passed))
        console.log(`FAIL ${check.type}: ${check.name}: ${check.detail ?? ""}`);
    }
  } finally {
    await emulator.stop();
  }
}

void main();
