/**
 * Every command under `openclaw workspace-sync ...`, run by the real `openclaw` CLI beside a running
 * gateway (one install, one config, one gateway; the commands one after another): `setup` (a
 * non-interactive run that prints the config and writes nothing), `authorize` up to the point where a browser would be
 * needed (it prints the link and the `ssh -L` line, gives up after its timeout, and leaves no process
 * behind), `sync`, `status`, `log`, `list`, `backup now|list|status|ls|diff|verify|restore` and `viz`.
 * `status --json` answered by the gateway's service is in gateway.e2e.ts; chat commands in commands.e2e.ts.
 */
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Gateway, installPlugin, runGateway } from "./harness.js";
import { installed, openclaw, type Run } from "./openclaw.js";

/** The processes whose environment holds `marker` (children inherit it). */
async function processesWith(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir("/proc")).filter((name) => /^\d+$/.test(name))) {
    const env = await readFile(`/proc/${pid}/environ`).catch(() => null);
    if (env?.includes(marker)) {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
      found.push(`${pid} ${cmdline.split("\0").join(" ")}`);
    }
  }
  return found;
}

describe("every command under `openclaw workspace-sync` beside the real gateway", () => {
  let root: string;
  let stateDir: string;
  let workspace: string;
  let cloud: string;
  let gateway: Gateway | null = null;
  const timings: string[] = [];

  beforeAll(async () => {
    if (!installed())
      throw new Error("OpenClaw is not installed: run `bash scripts/install-openclaw.sh` first");
    root = await mkdtemp(join(tmpdir(), "ocs-cli-"));
    stateDir = join(root, "oc");
    workspace = join(stateDir, "workspace");
    cloud = join(root, "cloud");
    await mkdir(join(workspace, "shared"), { recursive: true });
    await writeFile(join(workspace, "shared", "notes.md"), "# from the agent\n");
  });

  afterAll(async () => {
    gateway?.stop();
    console.log(`[cli.e2e] ${timings.join(", ")}`);
    await rm(root, { recursive: true, force: true });
  });

  /** `openclaw workspace-sync <args>`, its time noted. */
  async function ws(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
    const started = Date.now();
    // Vitest sets NODE_ENV=test and TEST=true, which the child inherits; under either, consola (our CLI's
    // output) drops its info and success lines (`backup diff` then prints nothing). A person's shell has
    // neither.
    const run = await openclaw(stateDir, ["workspace-sync", ...args], {
      NODE_ENV: "",
      TEST: "",
      ...extraEnv,
    });
    timings.push(`${args.slice(0, 2).join(" ")} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return run;
  }

  /** Exit 0, or fail showing what the command said; what it said on both streams (inside `openclaw`,
   * consola's info and success lines go to stderr). */
  function ok(run: Run): string {
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    return `${run.stdout}\n${run.stderr}`;
  }

  it("answers setup, authorize, sync, status, log, list, backup (all of it) and viz", async () => {
    await installPlugin(stateDir, {
      mode: "mailbox",
      provider: "local",
      local: { path: cloud },
      // No watcher: `sync` below counts what it pushed, which a watcher's start-up cycle would push first.
      watch: false,
      backup: { enabled: true, passphrase: "cli-e2e" },
    });
    gateway = await runGateway(stateDir, join(stateDir, "workspace-sync"));
    const configBefore = await readFile(join(stateDir, "openclaw.json"), "utf8");

    const setup = await ws([
      "setup",
      "--non-interactive",
      "--provider",
      "local",
      "--local-dir",
      join(root, "elsewhere"),
      "--mode",
      "mirror",
      "--print",
      "--no-first-run",
    ]);
    ok(setup);
    expect(JSON.parse(setup.stdout)).toMatchObject({
      plugins: { entries: { "openclaw-workspace-sync": { config: { provider: "local", mode: "mirror" } } } },
    });
    expect(await readFile(join(stateDir, "openclaw.json"), "utf8")).toBe(configBefore); // --print wrote nothing

    // authorize: as far as a person with a browser would take it; no browser comes, so it gives up itself.
    const dropbox = join(root, "dropbox.json");
    await writeFile(dropbox, JSON.stringify({ mode: "mailbox", provider: "dropbox" }));
    const marker = `WORKSPACE_SYNC_E2E_MARK=${randomUUID()}`;
    const [markKey = "", markValue = ""] = marker.split("=");
    const authorize = await ws(["authorize", "--config", dropbox, "--timeout", "10"], {
      [markKey]: markValue,
    });
    const said = authorize.stdout + authorize.stderr;
    expect(said).toMatch(/Open this link in a browser: http:\/\/127\.0\.0\.1:53682\/auth\?state=/);
    expect(said).toContain("ssh -L 53682:localhost:53682");
    expect(said).toContain("no answer from the browser within 10 s: run authorize again");
    expect(said).not.toMatch(/TokenError|at .*\.mjs:\d+/); // a one-line reason, no stack
    expect(authorize.code).not.toBe(0);
    expect(await processesWith(marker)).toEqual([]); // neither openclaw nor its rclone lives on

    expect(ok(await ws(["sync"]))).toContain("push   1 transferred (17 B)");
    expect(await readFile(join(cloud, "openclaw-share", "notes.md"), "utf8")).toBe("# from the agent\n");
    expect(ok(await ws(["status"]))).toContain("idle");
    expect(ok(await ws(["log"]))).toContain("syncRequested");
    expect(ok(await ws(["list"]))).toContain("notes.md");

    const now = ok(await ws(["backup", "now", "--json"]));
    const id = /"id": "(\d{8}T\d{6}Z-[^"]+)"/.exec(now)?.[1] ?? /(\d{8}T\d{6}Z-\S+)/.exec(now)?.[1];
    expect(id, now).toBeDefined();
    expect(ok(await ws(["backup", "list"]))).toContain(id);
    expect(ok(await ws(["backup", "status"]))).toMatch(/encrypted\s+yes/);
    expect(ok(await ws(["backup", "ls", "latest", "workspace/shared/**"]))).toContain(
      "workspace/shared/notes.md",
    );
    expect(ok(await ws(["backup", "diff", id ?? "", "latest"]))).toMatch(
      /\d+ added, \d+ removed, \d+ changed/,
    );
    expect(ok(await ws(["backup", "verify"]))).toMatch(/verified: .*hashes match the manifest/);
    const to = join(root, "restored");
    ok(await ws(["backup", "restore", "--path", "workspace/shared/notes.md", "--to", to]));
    expect(await readFile(join(to, "workspace", "shared", "notes.md"), "utf8")).toBe("# from the agent\n");

    expect(ok(await ws(["viz"]))).toContain("stateDiagram");
  });
});
