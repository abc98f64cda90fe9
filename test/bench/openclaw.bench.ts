/**
 * Inside OpenClaw (`--only openclaw`; needs `bash scripts/install-openclaw.sh`): `openclaw workspace-sync
 * status --json` against `openclaw plugins list`, interleaved in one run (target: at most 1.5×), first with
 * no host running (the plugin as npm installs it: its files and its dependencies; the same files with no
 * dependencies declared), beside the command of a minimal plugin (`minimal-plugin.ts`): what OpenClaw's
 * own start-up costs any plugin command. Then with the plugin's service running in this process as the
 * gateway runs it (the command then asks it over the socket). With the service running, the
 * `workspace_sync_status` agent tool is called as OpenClaw calls it (the factory's tool, `execute`),
 * beside the command: the agent's way to look at the sync against the shell command.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import plugin from "../../src/plugin/index.js";
import { toolNames } from "../../src/plugin/tools/names.js";
import { editConfig, installPlugin, setPluginConfig } from "../openclaw/harness.js";
import { installed, installPlugin as installStaged, openclaw } from "../openclaw/openclaw.js";
import { fakeApi, fakeLogger, fakeRuntime } from "../plugin/fake-api.js";
import { type Arm, interleave, type Row, renderTable } from "./measure.js";
import { installMinimalPlugin, minimalCommand } from "./minimal-plugin.js";

export interface OpenclawBenchOptions {
  reps: number;
  log: (line: string) => void;
}

/** The plugin's service started in this process with a fake `api`, as the gateway starts it; its stop. */
async function startService(stateDir: string, workspace: string, pluginConfig: Record<string, unknown>) {
  const logger = fakeLogger();
  const fake = fakeApi(pluginConfig, fakeRuntime({ main: workspace }).runtime, logger);
  plugin.register(fake.api);
  fake.seal();
  const service = fake.registered.services[0];
  const factory = fake.registered.tools.find((t) => t.options.name === toolNames.status)?.factory;
  if (!service || !factory) throw new Error("the plugin registered no service or no status tool");
  const ctx = { config: {}, workspaceDir: workspace, stateDir, logger };
  await service.start(ctx);
  const tool = factory({ workspaceDir: workspace, agentId: "main" });
  if (!tool) throw new Error("the status tool's factory made no tool");
  return { tool, stop: async () => service.stop?.(ctx) };
}

export async function openclawBench(options: OpenclawBenchOptions): Promise<string> {
  if (!installed()) return "\nOpenClaw: skipped (not installed; run `bash scripts/install-openclaw.sh` once)";
  const root = await mkdtemp(join(tmpdir(), "ocs-bench-"));
  const stateDir = join(root, "oc");
  const workspace = join(stateDir, "workspace");
  const pluginConfig = { mode: "mailbox", provider: "local", local: { path: join(root, "cloud") } };
  try {
    await mkdir(join(workspace, "shared"), { recursive: true });
    await writeFile(join(workspace, "shared", "notes.md"), "# bench\n");
    options.log(
      "openclaw: installing the plugin (as npm installs it, and without dependencies) and a minimal one",
    );
    await installPlugin(stateDir, pluginConfig);
    // The same files with a package.json declaring no dependencies: OpenClaw copies a plugin's folder and
    // its declared dependencies aside in every process that loads it.
    const stagedState = join(root, "oc-staged");
    await mkdir(join(stagedState, "workspace", "shared"), { recursive: true });
    await installStaged(stagedState, join(root, "staged"));
    await editConfig(stagedState, (config) => setPluginConfig(config, pluginConfig));
    const minimalState = join(root, "oc-minimal");
    await mkdir(minimalState, { recursive: true });
    await installMinimalPlugin(minimalState, join(root, "minimal"));
    let hostAnswered = false;
    const command = (
      args: string[],
      check?: (stdout: string) => void,
      state = stateDir,
    ): (() => Promise<void>) => {
      return async () => {
        const run = await openclaw(state, args);
        if (run.code !== 0) throw new Error(`openclaw ${args.join(" ")} failed: ${run.stdout}${run.stderr}`);
        check?.(run.stdout);
      };
    };
    const status: Arm = {
      name: "status",
      run: command(["workspace-sync", "status", "--json"], (stdout) => {
        hostAnswered = (JSON.parse(stdout) as { host: unknown }).host !== null;
      }),
    };
    const plugins: Arm = { name: "plugins", run: command(["plugins", "list"]) };
    const staged: Arm = {
      name: "staged",
      run: command(["workspace-sync", "status", "--json"], undefined, stagedState),
    };
    const minimal: Arm = { name: "minimal", run: command(minimalCommand, undefined, minimalState) };

    options.log(
      `openclaw: status --json (installed, no dependencies), a minimal plugin's command, plugins list, no host (${options.reps} rounds)`,
    );
    const cold = await interleave([status, staged, minimal, plugins], { warmup: 1, reps: options.reps });
    const coldFromHost = hostAnswered;

    options.log("openclaw: the same with the plugin's service running, and the status tool");
    const service = await startService(stateDir, workspace, pluginConfig);
    let hosted: Awaited<ReturnType<typeof interleave>>;
    try {
      const toolArm: Arm = {
        name: "tool",
        run: async () => {
          await service.tool.execute("bench", {});
        },
      };
      hosted = await interleave([status, plugins, toolArm], { warmup: 1, reps: options.reps });
    } finally {
      await service.stop();
    }
    const labelled =
      !coldFromHost && hostAnswered
        ? ""
        : "\n(!) the status rows are not as labelled: a host answered in the first, or none in the second";

    const rows: Row[] = [
      {
        name: "`openclaw workspace-sync status --json` vs `openclaw plugins list`, no host (installed as npm does)",
        a: cold.status ?? [],
        b: cold.plugins ?? [],
        target: 1.5,
      },
      {
        name: "the same, the plugin staged with no declared dependencies",
        a: cold.staged ?? [],
        b: cold.plugins ?? [],
        target: 1.5,
      },
      {
        name: "a minimal plugin's command vs `openclaw plugins list`: OpenClaw's floor for any plugin command",
        a: cold.minimal ?? [],
        b: cold.plugins ?? [],
        target: null,
      },
      {
        name: "`openclaw workspace-sync status --json` (installed) vs the minimal plugin's command: our share",
        a: cold.status ?? [],
        b: cold.minimal ?? [],
        target: null,
      },
      {
        name: "the same, the plugin's service running (answered over its socket)",
        a: hosted.status ?? [],
        b: hosted.plugins ?? [],
        target: 1.5,
      },
      {
        name: "`workspace_sync_status` tool call (service running) vs `status --json`",
        a: hosted.tool ?? [],
        b: hosted.status ?? [],
        target: null,
      },
    ];
    const title = "OpenClaw: our command and tool against OpenClaw's own";
    return `${renderTable(title, { a: "ours", b: "reference" }, rows)}${labelled}`;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
