/**
 * (a) A full mailbox cycle on a 10k-file workspace against a `local` remote, versus the same two rclone
 * commands (`pushArgs`, then `drainArgs`) run directly on an identical second fixture with an equal
 * rclone config. Ours is the real CLI process (spawn included); in-process cycles are measured apart.
 */
import { loadConfigFile } from "../../src/config/load.js";
import { providerFor } from "../../src/providers/index.js";
import { findRclone } from "../../src/rclone/binary.js";
import { writeRcloneConfig } from "../../src/rclone/config-file.js";
import {
  cliArm,
  coldHostArm,
  type HostSettings,
  nodeArm,
  rawArm,
  rawCommands,
  runningHostArm,
  startDaemon,
  startHost,
} from "./cycle-sides.js";
import { changeFiles, cliPath, ensureCycleFixtures, FILE_COUNT } from "./fixtures.js";
import { interleave, median, type Row, renderTable, type Samples } from "./measure.js";

export interface CycleBenchOptions {
  warmup: number;
  reps: number;
  /** Files changed before each pair in the "changed" cases. */
  changed: number;
  log: (line: string) => void;
}

const pick = (samples: Samples, name: string): number[] => samples[name] ?? [];
const plus = (a: readonly number[], b: readonly number[]) => a.map((x, i) => x + (b[i] ?? Number.NaN));
const extra = (s: Samples) =>
  `${median(pick(s, "ours").map((x, i) => x - (pick(s, "raw")[i] ?? Number.NaN))).toFixed(0)} ms`;

export async function cycleBench(options: CycleBenchOptions): Promise<string> {
  const { log, changed, reps } = options;
  const fixtures = await ensureCycleFixtures(log);
  const { ours, raw } = fixtures;
  const config = (await loadConfigFile(ours.configFile)).sync;
  const rawConfig = (await loadConfigFile(raw.configFile)).sync;
  // The raw side's rclone config: written by the product's own writer from the same provider section.
  const section = providerFor(rawConfig).remote({ config: rawConfig, stateDir: raw.stateDir }).section;
  await writeRcloneConfig(raw.rcloneConfig, { [rawConfig.remoteName]: section });
  const binary = await findRclone();
  const commands = rawCommands(raw, rawConfig);
  log(`raw side: ${commands.map((args) => `rclone ${args.join(" ")}`).join("  &&  ")}`);

  // A new fixture's first cycle uploads every file: one more warm-up pair absorbs it.
  const warmup = options.warmup + (fixtures.created ? 1 : 0);
  const change = async () => changeFiles([ours, raw], changed);
  const transfers: number[] = [];
  const rawSide = rawArm(binary, commands);
  const cli = cliArm(ours, transfers);

  log("(a) CLI process, unchanged workspace ...");
  const nodeOnly = nodeArm("node", ["-e", "0"]);
  const version = nodeArm("version", [cliPath, "--version"]);
  const idle = await interleave([cli, rawSide, nodeOnly, version], { warmup, reps });
  const idleTransfers = transfers.splice(0).slice(-reps);
  log(`(a) CLI process, ${changed} files changed ...`);
  const busy = await interleave([cli, rawSide], { warmup: 1, reps, before: change });
  const busyTransfers = transfers.splice(0).slice(-reps);

  log("(a) in-process cycles on a running host ...");
  const settings: HostSettings = { config, fixture: ours, binary };
  const handle = await startHost(settings);
  let steadyIdle: Samples;
  let steadyBusy: Samples;
  try {
    steadyIdle = await interleave([runningHostArm(handle), rawSide], { warmup: 1, reps });
    steadyBusy = await interleave([runningHostArm(handle), rawSide], { warmup: 1, reps, before: change });
  } finally {
    await handle.stop();
  }
  log("(a) CLI process talking to a running `workspace-sync daemon` ...");
  const daemon = await startDaemon(ours);
  let viaDaemon: Samples;
  try {
    viaDaemon = await interleave([cli, rawSide], { warmup: 1, reps });
    transfers.splice(0);
  } finally {
    await daemon.stop();
  }
  log("(a) in-process start + cycle + stop ...");
  const cold = await interleave([coldHostArm(settings), rawSide], { warmup: 1, reps });

  const row = (name: string, s: Samples, target: number | null = 1.1): Row => ({
    name,
    a: pick(s, "ours"),
    b: pick(s, "raw"),
    target,
  });
  // The cycle itself, as the host runs it on every trigger (daemon, plugin, timer): the target applies here.
  // A one-shot CLI process adds Node's start-up and module loading, which no cycle can win back: shown
  // beside its floors, for information.
  const rows: Row[] = [
    row("cycle in a running host, unchanged", steadyIdle),
    row(`cycle in a running host, ${changed} changed`, steadyBusy),
    row("`sync` via the daemon's socket, unchanged", viaDaemon, null),
    row("host start + cycle + stop, unchanged", cold, null),
    row("one-shot CLI process, unchanged", idle, null),
    row(`one-shot CLI process, ${changed} changed`, busy, null),
    {
      name: "floor: raw + `node -e 0`",
      a: plus(pick(idle, "node"), pick(idle, "raw")),
      b: pick(idle, "raw"),
      target: null,
    },
    {
      name: "floor: raw + CLI `--version`",
      a: plus(pick(idle, "version"), pick(idle, "raw")),
      b: pick(idle, "raw"),
      target: null,
    },
  ];
  const notes = [
    `A = ours, B = raw \`rclone sync\` + \`rclone move\` (2 processes, same args); ${reps} interleaved pairs per row, order rotated.`,
    "running-host rows: `requestSync` on a host started once (`startWorkspace`), as the daemon and the plugin run cycles.",
    "via the daemon's socket: the CLI process (`sync --json`) sends the request to a running `workspace-sync daemon` and waits for its cycle.",
    "host start + cycle + stop: `startWorkspace` (log replay, rclone config), one cycle, `stop`, in the bench process.",
    "one-shot CLI rows: the whole `node dist/workspace-sync.mjs sync --json` process (spawn, Node start-up, module load, host, rclone).",
    "floor rows: the same raw pair plus a bare Node start-up / our CLI's module graph (`--version`), from the same pairs.",
    `node -e 0: ${median(pick(idle, "node")).toFixed(0)} ms; CLI --version (all modules loaded): ${median(pick(idle, "version")).toFixed(0)} ms${
      process.env.NODE_EXTRA_CA_CERTS
        ? " (NODE_EXTRA_CA_CERTS is set: Node 20 loads it at every start-up)"
        : ""
    }.`,
    `median extra per cycle (A − B): CLI unchanged ${extra(idle)}, CLI changed ${extra(busy)}, running host unchanged ${extra(steadyIdle)}, running host changed ${extra(steadyBusy)}, start+cycle+stop ${extra(cold)}.`,
    `files our push transferred (from --json), per measured pair: unchanged [${idleTransfers.join(", ")}], changed [${busyTransfers.join(", ")}].`,
  ];
  const title = `(a) mailbox cycle, ${FILE_COUNT / 1000}k files (1–4 KB, nested), provider local`;
  return `${renderTable(title, { a: "ours", b: "raw" }, rows)}\n${notes.map((n) => `  ${n}`).join("\n")}`;
}
