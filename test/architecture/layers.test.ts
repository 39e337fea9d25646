/**
 * The layers point one way (functions → orchestrations → activities → lib), and the lint rule that says
 * so is itself under test: each deliberately wrong edge below must be refused by ESLint with the
 * repository's own configuration, and each allowed edge accepted.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ESLint } from "eslint";

const root = join(__dirname, "..", "..", "..");
const eslint = new ESLint({ cwd: root });

/** The messages ESLint gives `code` as if it were the file at `path` (relative to the repository). */
async function restrictedImports(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId?.endsWith("no-restricted-imports"))
    .map((message) => message.message);
}

describe("the layering lint", () => {
  const refused: ReadonlyArray<readonly [file: string, code: string, why: RegExp]> = [
    ["lib/plan/x.ts", 'import { progressOf } from "../../orchestrations/progress";\n', /bottom layer/],
    ["lib/x.ts", 'import { ACTIVITY } from "../activities/contract";\n', /bottom layer/],
    ["activities/x.ts", 'import { retry } from "../orchestrations/retry-profiles";\n', /import only lib/],
    [
      "activities/adapters/x.ts",
      'import { appContext } from "../../functions/app-context";\n',
      /import only lib/,
    ],
    [
      "orchestrations/x.ts",
      'import { createArmSteps } from "../activities/arm-step";\n',
      /only activities\/contract at run time/,
    ],
    ["orchestrations/x.ts", 'import { appContext } from "../functions/app-context";\n', /below functions/],
    [
      "dashboard/x.ts",
      'import type { PlanGraph } from "../functions/plan-graph";\n',
      /inlined into its page/,
    ],
    ["orchestrations/x.ts", 'import { readFileSync } from "node:fs";\n', /deterministic/],
    ["orchestrations/x.ts", 'import { DefaultAzureCredential } from "@azure/identity";\n', /deterministic/],
    ["orchestrations/x.ts", 'import { createArmClients } from "../lib/azure/clients";\n', /deterministic/],
    // The local tools are packages the product never imports.
    ["lib/azure/x.ts", 'import { EmulatorCredential } from "@azure-env-provisioner/azure-emulator";\n', /./],
    ["functions/x.ts", 'import { startDevhost } from "@azure-env-provisioner/functions-devhost";\n', /./],
    ["activities/x.ts", 'import { x } from "../packages/azure-emulator/src/credential";\n', /./],
    ["cli/x.ts", 'import { startLocalStack } from "../local-stack/local-stack";\n', /./],
    ["packages/azure-emulator/src/x.ts", 'import { loadConfig } from "../../../lib/config";\n', /./],
  ];
  for (const [file, code, why] of refused) {
    it(`refuses ${code.trim()} in ${file}`, async () => {
      const messages = await restrictedImports(file, code);
      assert.equal(messages.length, 1, JSON.stringify(messages));
      assert.match(messages[0] ?? "", why);
    });
  }

  const allowed: ReadonlyArray<readonly [file: string, code: string]> = [
    ["orchestrations/x.ts", 'import { ACTIVITY } from "../activities/contract";\n'],
    ["orchestrations/x.ts", 'import type { ArmSteps } from "../activities/arm-step";\n'],
    ["orchestrations/x.ts", 'import type { OrchestrationContext } from "durable-functions";\n'],
    ["orchestrations/x.ts", 'import type { AzureErrorSummary } from "../lib/azure/errors";\n'],
    ["activities/x.ts", 'import { classifyAzureError } from "../lib/azure/errors";\n'],
    ["functions/x.ts", 'import { BUILD_ENVIRONMENT } from "../orchestrations/contracts";\n'],
  ];
  for (const [file, code] of allowed) {
    it(`accepts ${code.trim()} in ${file}`, async () => {
      assert.deepEqual(await restrictedImports(file, code), []);
    });
  }
});
