// ESLint flat config: typescript-eslint's recommended rules over every TypeScript source.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// ---- Architecture: the deployable product and the local tooling stay apart ---------------------------
// The product (functions/, orchestrations/, activities/, lib/) and cli/ never import the workspace
// packages (packages/*: the Azure emulator, the Functions devhost), local-stack/, test/ or bench/: none of
// them is in the deployable app. The packages never import anything outside their own folder (the
// product, each other by path, the root's tests): they stand alone and judge the product from outside.
//
// This uses @typescript-eslint/no-restricted-imports (the core rule's options, type imports included)
// rather than the core no-restricted-imports on purpose: ESLint keeps one option set per rule and file,
// so a second block configuring the same rule on the same files (e.g. layer-direction rules among the
// product folders) would silently replace this one. If such a block must use the same rule, add
// PRODUCT_TOOLING_BOUNDARY to its patterns.
const PRODUCT_FOLDERS = ["functions", "orchestrations", "activities", "lib", "cli"];
export const PRODUCT_TOOLING_BOUNDARY = [
  {
    group: ["@azure-env-provisioner/*"],
    message:
      "Product code must not import the local tooling packages (emulator, devhost): the deployable app ships without them.",
  },
  {
    regex: "^(\\.\\./)+(packages|local-stack|test|bench)(/|$)",
    message:
      "Product code must not import packages/, local-stack/, test/ or bench/: none of them is deployed.",
  },
];
/** One block per folder depth inside a package, so each allows exactly the `../` that stay inside it. */
const packagesStandAlone = [0, 1, 2, 3, 4, 5, 6].map((depth) => ({
  name: `architecture/packages-import-only-themselves (depth ${depth})`,
  files: [`packages/*/${"*/".repeat(depth)}*.{ts,js}`],
  rules: {
    "@typescript-eslint/no-restricted-imports": [
      "error",
      {
        patterns: [
          {
            regex: `^(\\.\\./){${depth + 1},}`,
            message:
              "A package imports only its own files and its declared dependencies: not the product, not another package by path, not the repository's tests.",
          },
        ],
      },
    ],
  },
}));
const architecture = [
  {
    name: "architecture/product-imports-no-tooling",
    files: PRODUCT_FOLDERS.map((folder) => `${folder}/**/*.{ts,js}`),
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: PRODUCT_TOOLING_BOUNDARY }] },
  },
  ...packagesStandAlone,
];
// ---- end of architecture --------------------------------------------------------------------------------

export default tseslint.config(
  { ignores: ["dist/**", "packages/*/dist/**", "node_modules/**", ".local/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "off",
    },
  },
  // Layers point one way: functions → orchestrations → activities → lib. A wrong edge fails CI.
  {
    files: ["lib/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(\\.\\./)+(functions|orchestrations|activities|cli)(/|$)",
              message: "lib/ is the bottom layer: it imports no layer above it.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["activities/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(\\.\\./)+(functions|orchestrations|cli)(/|$)",
              message: "activities/ import only lib/: orchestrations call them, never the other way.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["orchestrations/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(\\.\\./)+(functions|cli)(/|$)",
              message: "orchestrations/ are below functions/: triggers start them, not the other way.",
            },
            {
              regex: "^(\\.\\./)+activities/(?!contract$)",
              allowTypeImports: true,
              message:
                "Orchestrations load only activities/contract at run time (names, no SDK); other activity modules type-only.",
            },
            {
              // lib/azure/ wraps the SDK clients: loading it would bring the SDK into the orchestrator's
              // process path even if nothing called it.
              regex: "^(\\.\\./)+lib/azure/",
              allowTypeImports: true,
              message:
                "Orchestrations are deterministic: no SDK, no I/O; lib/azure/ is loaded by activities only (types are fine).",
            },
            {
              regex: "^(@azure/(?!functions$)|@kubernetes/|node:)",
              allowTypeImports: true,
              message:
                "Orchestrations are deterministic: no SDK, no I/O; Azure is reached through activities.",
            },
          ],
        },
      ],
    },
  },
  // The dashboard's script is inlined into one page (functions/dashboard-page.ts): it can import nothing.
  {
    files: ["dashboard/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: ".",
              message: "The dashboard's script is inlined into its page: it imports nothing, not even types.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    languageOptions: {
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  ...architecture,
);
