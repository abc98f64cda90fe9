/**
 * No ANSI escapes unless a person's terminal wants them: none when stdout is not a TTY, none with `NO_COLOR`
 * (even on a terminal, which `script` provides where it is installed). The built CLI, its help and its errors.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliPath, createSandbox, runCaptured, type Sandbox, testEnv } from "../support/sandbox.js";

/** The start of every ANSI escape sequence (CSI). */
const ansi = "\u001b[";
let box: Sandbox;
beforeAll(async () => {
  box = await createSandbox();
});
afterAll(async () => {
  await box.cleanup();
});

/**
 * The environment without `NO_COLOR`, and without the CI and test markers citty and consola also turn colour
 * off for: colour is decided by the TTY alone.
 */
function colourEnv(): NodeJS.ProcessEnv {
  const env = testEnv({ TERM: "xterm-256color" });
  for (const key of ["NO_COLOR", "CI", "TEST", "VITEST", "NODE_ENV"]) delete env[key];
  return env;
}

const hasScript = (() => {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** Run the CLI on a pseudo-terminal (`script`), returning everything it printed there. */
function onTerminal(argv: string[], env: NodeJS.ProcessEnv) {
  const line = [process.execPath, cliPath, ...argv].map((a) => `'${a}'`).join(" ");
  return runCaptured("script", ["-qec", line, "/dev/null"], env);
}

describe("colour", () => {
  it("piped: help, a status and an error carry no ANSI", async () => {
    const env = colourEnv();
    for (const argv of [["backup", "restore", "--help"], ["--help"], ["sync", "--nonsense-flag"]]) {
      const r = await runCaptured(process.execPath, [cliPath, ...argv], env);
      expect(r.stdout + r.stderr).not.toContain(ansi);
    }
    const status = await runCaptured(process.execPath, [cliPath, "status", "--offline", ...box.args], env);
    expect(status.stdout).toContain("next run");
    expect(status.stdout + status.stderr).not.toContain(ansi);
    const bad = await runCaptured(process.execPath, [cliPath, "sync", "--direction", "up", ...box.args], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--direction must be push or pull");
    expect(bad.stderr).not.toContain(ansi);
  });

  it.skipIf(!hasScript)("on a terminal: colour, unless NO_COLOR is set", async () => {
    const coloured = await onTerminal(["sync", "--help"], colourEnv());
    expect(coloured.stdout).toContain(ansi);
    const plainHelp = await onTerminal(["sync", "--help"], { ...colourEnv(), NO_COLOR: "yes" });
    expect(plainHelp.stdout).toContain("USAGE workspace-sync sync");
    expect(plainHelp.stdout).not.toContain(ansi);
    const plainError = await onTerminal(["sync", "--direction", "up", ...box.args], {
      ...colourEnv(),
      NO_COLOR: "yes",
    });
    expect(plainError.stdout).toContain("--direction must be push or pull");
    expect(plainError.stdout).not.toContain(ansi);
  });
});
