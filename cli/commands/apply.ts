/**
 * `envctl apply FILE`: what Terraform users expect — the diff against Azure first, a confirmation, then
 * the build, followed live to its end (or `--no-wait`). The spec is validated here first, so a bad file
 * never reaches the service.
 */
import { EXIT } from "../exit-codes";
import type { CliIo } from "../io";
import { CONNECTION_HELP } from "../service/connection";
import type { CliCommand } from "./command";
import { diffTotals, printDiff, reportPreflight } from "./plan-diff";
import {
  LIVE_OPTIONS,
  OUTPUT_HELP,
  clientFor,
  followToExit,
  onePositional,
  outputModeOf,
  parseCommand,
  printCommandHelp,
  readSpecForApi,
  refused,
  specBody,
} from "./service-command";

export const applyCommand: CliCommand = {
  name: "apply",
  summary: "show what would change, then build or re-apply the environment and follow it live",
  usage: "envctl apply FILE [--yes] [--no-wait] [-o tty|plain|json]",
  details: [
    "  FILE       the environment spec (YAML or JSON)",
    "  --yes      apply without asking (required when standard input is not a terminal)",
    "  --no-wait  start the build and return; follow it later with envctl watch ID",
    "  --wait     follow the build to its end (the default)",
    ...OUTPUT_HELP,
    ...CONNECTION_HELP,
    "Ctrl-C while following stops following, never the build (envctl cancel ID stops the build).",
    "Exit: 0 succeeded (or started, with --no-wait), 2 refused, 3 failed or canceled in Azure, 4 busy, 130 stopped watching.",
  ],
  async run(args, io) {
    const { values, positionals } = parseCommand(args, {
      ...LIVE_OPTIONS,
      yes: { type: "boolean", short: "y" },
      wait: { type: "boolean" },
      "no-wait": { type: "boolean" },
    });
    if (values.help) return printCommandHelp(io, this);
    const file = onePositional(positionals, "spec FILE");
    const mode = outputModeOf(values.output, io);
    const client = await clientFor(io, values);
    const spec = await readSpecForApi(io, file);
    if (!spec.ok) return spec.exit;

    const preview = await client.preview(spec.environmentId, specBody(spec.text));
    if (!preview.ok) return refused(io, preview.problem);
    const changes = new Map(preview.body.nodes.map((node) => [node.key, node.change]));
    // JSON output is for programs: the diff goes with it as one event, not as text.
    if (mode === "json")
      io.out(JSON.stringify({ event: "plan", ...preview.body, at: new Date().toISOString() }));
    else printDiff(io, preview.body);
    // What preflight would refuse, the service refuses too: say it now, before asking anything.
    const verdict = reportPreflight(io, file, preview.body, mode === "json");
    if (verdict !== EXIT.ok) return verdict;

    if (!values.yes) {
      const go = await confirm(io, spec.environmentId);
      if (go !== true) {
        io.err(
          go === undefined
            ? "not a terminal: nothing applied; pass --yes to apply without asking"
            : "not confirmed: nothing applied",
        );
        return EXIT.refused;
      }
    }
    const started = await client.apply(specBody(spec.text));
    if (!started.ok) return refused(io, started.problem);
    if (values["no-wait"] && !values.wait) {
      if (mode !== "json") {
        io.out(
          `Apply of ${spec.environmentId} started (${diffTotals(preview.body)
            .replace(/^Plan: /, "")
            .replace(/\.$/, "")})`,
        );
        io.out(`Follow it: envctl watch ${spec.environmentId}`);
      }
      return EXIT.ok;
    }
    if (mode !== "json") io.out("");
    return followToExit(io, client, spec.environmentId, mode, { changes });
  },
};

async function confirm(io: CliIo, environmentId: string): Promise<boolean | undefined> {
  const answer = await io.ask(`Apply these changes to ${environmentId}? Only "yes" applies: `);
  return answer === undefined ? undefined : answer.trim() === "yes";
}
