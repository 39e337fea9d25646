// ESLint flat config: typescript-eslint's recommended rules over every TypeScript source.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".local/**", "coverage/**"] },
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
);
