/**
 * envctl's live view on a real pseudo-terminal: tmux runs `envctl apply` and `envctl watch` in a window
 * of its own, the test reads the screen as a user would (capture-pane) and presses Ctrl-C (send-keys).
 * Skipped, saying why, where tmux is not installed (`.ci/run` installs Debian's).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { waitFor } from "../support/wait-for";
import {
  OPERATOR_TIME_SCALE,
  operationStatus,
  projectRoot,
  startOperatorStack,
  type OperatorStack,
} from "./operator-stack";

function tmuxMissing(): string | undefined {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return undefined;
  } catch {
    return "tmux is not installed (apt-get install -y tmux): the live view needs a pseudo-terminal";
  }
}

const skip = tmuxMissing();
/** A tmux server of this test's own, so no one else's sessions are touched. */
const socket = `envctl-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });

/** Runs `envctl ARGS` in a new 120×60 window; its exit code lands in `<scratch>/<name>.exit`. */
function startInTerminal(world: OperatorStack, name: string, args: readonly string[]): void {
  const env = Object.entries(world.env).map(([key, value]) => `${key}='${value ?? ""}'`);
  const exitFile = join(world.scratch, `${name}.exit`);
  const command = `env ${env.join(" ")} TERM=xterm-256color ${process.execPath} ${join(projectRoot, "bin", "envctl.js")} ${args.join(" ")}; echo $? > ${exitFile}; sleep 600`;
  tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "60", "-c", projectRoot, command);
}

/** What the window shows now. */
const screen = (name: string) => tmux("capture-pane", "-p", "-t", name);

function exitCode(world: OperatorStack, name: string): number | undefined {
  try {
    return Number(readFileSync(join(world.scratch, `${name}.exit`), "utf8").trim());
  } catch {
    return undefined;
  }
}

describe("envctl's live view on a terminal", { skip }, () => {
  let world: OperatorStack;
  before(async () => {
    world = await startOperatorStack();
    const login = await world.envctl(["login", world.url, "--key-stdin"], { stdin: world.key });
    assert.equal(login.code, 0, login.stderr);
    // Azure twice slower than the other stack tests: the build runs long enough to be read.
    world.stack.emulator!.admin.setTimeScale(OPERATOR_TIME_SCALE * 2);
  });
  after(async () => {
    try {
      tmux("kill-server");
    } catch {
      // Never started.
    }
    await world?.stop();
  });

  test("draws one line per resource grouped by stage, with states, elapsed times, the bar and the ETA", async () => {
    const file = world.example("staging.yaml", "live");
    startInTerminal(world, "apply", ["apply", file, "--yes"]);
    const shown = await waitFor(
      "the live view with the cache creating",
      () => {
        const text = screen("apply");
        return /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] cache\/cluster +creating +\d/.test(text) && text.includes("✓")
          ? text
          : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    const rows = shown.split("\n");
    assert.ok(
      rows.some((row) => /^apply acme-live · running · stage \w+/.test(row)),
      shown,
    );
    assert.ok(
      rows.some((row) => /^[█░]{30} \d+\/45 {2}elapsed [\d.]+s {2}ETA ~/.test(row)),
      shown,
    );
    // Stages in the plan's order, each with its count.
    const headings = rows.filter((row) => /^(network|cluster|data|secrets) {2}\d+\/\d+/.test(row));
    assert.deepEqual(
      headings.map((row) => row.split(" ")[0]),
      ["network", "cluster", "data", "secrets"],
    );
    assert.ok(
      rows.some((row) => /^ {2}✓ base\/resource-group +done +[\d.]+s$/.test(row)),
      shown,
    );
    assert.ok(
      rows.some((row) => /^ {2}· cache\/dns-zone-group +waiting$/.test(row)),
      shown,
    );
    assert.equal(
      rows.filter((row) => row.trim() !== "").at(-1),
      "Ctrl-C stops watching; the apply goes on in the service.",
    );
    // One frame on the screen, redrawn in place: the heading appears once.
    assert.equal(rows.filter((row) => row.startsWith("apply acme-live ·")).length, 1);
  });

  test("Ctrl-C stops watching, says the build goes on, exits 130 — and the build does go on", async () => {
    tmux("send-keys", "-t", "apply", "C-c");
    const code = await waitFor("envctl to exit", () => exitCode(world, "apply"), {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    assert.equal(code, 130);
    const text = screen("apply");
    assert.match(
      text,
      /Stopped watching after [\d.ms ]+: the apply of acme-live goes on in the service\. Follow it again: envctl watch acme-live/,
    );
    assert.equal(await operationStatus(world, "acme-live"), "running", "Ctrl-C never stops the build");
  });

  test("watch picks the build up again and follows it to the end: every resource done, exit 0", async () => {
    startInTerminal(world, "watch", ["watch", "acme-live"]);
    const code = await waitFor("the build to end", () => exitCode(world, "watch"), {
      timeoutMs: 120_000,
      intervalMs: 250,
    });
    const text = screen("watch");
    assert.equal(code, 0, text);
    const rows = text.split("\n");
    assert.ok(rows.includes("apply acme-live · succeeded"), text);
    assert.ok(
      rows.some((row) => /^█{30} 45\/45 {2}elapsed [\d.ms ]+$/.test(row)),
      text,
    );
    // The last frame lists everything, whatever the window's height.
    assert.equal(rows.filter((row) => /^ {2}✓ \S+ +done +[\d.ms ]+$/.test(row)).length, 45, text);
    assert.ok(
      rows.some((row) => /^Apply of acme-live succeeded in [\d.ms ]+: 45 done$/.test(row)),
      text,
    );
    assert.equal(await operationStatus(world, "acme-live"), "succeeded");
  });
});
