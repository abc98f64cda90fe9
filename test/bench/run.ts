/**
 * `npm run bench`: every benchmark in one run, printed as tables of interleaved A/B ratios against their
 * targets. Options: `--only cycle|log|backup|restore|watch|openclaw`, `--reps N` (cycle pairs), `--quick` (fewer repetitions).
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { backupBench } from "./backup.bench.js";
import { cycleBench } from "./cycle.bench.js";
import { logBench } from "./log.bench.js";
import { openclawBench } from "./openclaw.bench.js";
import { restoreBench } from "./restore.bench.js";
import { watchBench } from "./watch.bench.js";

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    reps: { type: "string" },
    quick: { type: "boolean", default: false },
  },
});

const quick = values.quick === true;
const reps = values.reps === undefined ? (quick ? 3 : 9) : Number(values.reps);
if (!Number.isInteger(reps) || reps < 1)
  throw new Error(`--reps must be a positive integer, got ${values.reps}`);
const only = values.only;
if (only !== undefined && !["cycle", "log", "backup", "restore", "watch", "openclaw"].includes(only))
  throw new Error("--only must be cycle, log, backup, restore, watch or openclaw");

const started = performance.now();
const progress = (line: string) =>
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${line}\n`);
const tables: string[] = [];

if (only === undefined || only === "cycle") {
  tables.push(await cycleBench({ warmup: 1, reps, changed: 100, log: progress }));
}
if (only === undefined || only === "log") {
  tables.push(
    await logBench({
      appends: 200,
      appendReps: quick ? 3 : 5,
      recoveryReps: quick ? 10 : 30,
      log: progress,
    }),
  );
}

if (only === undefined || only === "backup") {
  tables.push(await backupBench({ warmup: 1, reps: quick ? 1 : 3, log: progress }));
}

if (only === undefined || only === "restore") {
  tables.push(await restoreBench({ reps: quick ? 1 : 3, log: progress }));
}

if (only === undefined || only === "watch") {
  tables.push(await watchBench({ reps: quick ? 3 : 5, log: progress }));
}

if (only === undefined || only === "openclaw") {
  tables.push(await openclawBench({ reps: quick ? 2 : 3, log: progress }));
}

process.stdout.write(`${tables.join("\n")}\n`);
process.stdout.write(
  `\nTimings are reported, never asserted. Total ${((performance.now() - started) / 1000).toFixed(0)} s.\n`,
);
