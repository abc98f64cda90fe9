/**
 * (b) Event-log append latency and (c) recovery time (open + replay through the pure machine) with
 * 100k records stored versus 1k, default segment size. The logs are built once through `EventLog.append`
 * from a realistic mailbox history and copied to a scratch folder for each run.
 */
import { existsSync } from "node:fs";
import { cp, readdir, readFile, rm, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { execa } from "execa";
import { mailboxMachine } from "../../machines/mailbox.js";
import { EventLog } from "../../src/log/event-log.js";
import { replay } from "../../src/runtime/logged-actor.js";
import { mailboxHistory, take } from "./events.js";
import { benchRoot } from "./fixtures.js";
import { type Arm, interleave, median, type Row, renderTable } from "./measure.js";

export interface LogBenchOptions {
  appends: number;
  appendReps: number;
  recoveryReps: number;
  log: (line: string) => void;
}

const LOG_VERSION = 1;
const SMALL = 1_000;
const LARGE = 100_000;
/** Records past the last checkpoint in the "mid-segment" variants (half a segment). */
const TAIL = 500;
const RECOVERY_WARMUP = 3;

const logRoot = path.join(benchRoot, "log");
const templates = path.join(logRoot, "templates");
const scratch = path.join(logRoot, "work");
const variants = [`${SMALL}`, `${LARGE}`, `${SMALL}+${TAIL}`, `${LARGE}+${TAIL}`] as const;
type Variant = (typeof variants)[number];

async function appendAll(dir: string, history: ReturnType<typeof mailboxHistory>, count: number) {
  const log = await EventLog.open({ dir });
  for (let done = 0; done < count; done += SMALL) {
    const steps = take(history, Math.min(SMALL, count - done));
    await Promise.all(steps.map((s) => log.append(s.event, s.state, s.persisted)));
  }
  await log.close();
}

async function ensureTemplates(log: (line: string) => void): Promise<void> {
  const marker = path.join(templates, "ready.json");
  if (existsSync(marker) && (await readFile(marker, "utf8")).trim() === String(LOG_VERSION)) return;
  log(`building event logs of ${SMALL} and ${LARGE} records under ${templates} ...`);
  const started = performance.now();
  await rm(templates, { recursive: true, force: true });
  for (const size of [SMALL, LARGE]) {
    const history = mailboxHistory();
    const base = path.join(templates, `${size}`);
    await appendAll(base, history, size);
    await cp(base, path.join(templates, `${size}+${TAIL}`), { recursive: true });
    await appendAll(path.join(templates, `${size}+${TAIL}`), history, TAIL);
  }
  await writeFile(marker, `${LOG_VERSION}\n`);
  log(`  built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const work = (variant: Variant) => path.join(scratch, variant);

/** Fresh scratch copies of the templates, flushed so their write-back does not land inside a timing. */
async function copyTemplates(): Promise<void> {
  await rm(scratch, { recursive: true, force: true });
  for (const variant of variants) await cp(path.join(templates, variant), work(variant), { recursive: true });
  await execa("sync");
}

/** Removes what the append benchmark added after `lastSeq` (segments that begin later), restoring the copy. */
async function truncateAfter(dir: string, lastSeq: number): Promise<void> {
  for (const name of await readdir(dir)) {
    const first = /^seg-(\d{12})\.json$/.exec(name)?.[1];
    if ((first !== undefined && Number(first) > lastSeq) || name.endsWith(".tmp")) {
      await unlink(path.join(dir, name));
    }
  }
}

async function appendLatency(options: LogBenchOptions): Promise<{ large: number[]; small: number[] }> {
  // truncateAfter() undoes a rep only while no checkpoint was written: stay inside one segment.
  if (options.appends >= SMALL) throw new RangeError(`appends must stay below ${SMALL} (one segment)`);
  const large: number[] = [];
  const small: number[] = [];
  for (let rep = -1; rep < options.appendReps; rep++) {
    const logs = [
      await EventLog.open({ dir: work(`${LARGE}`) }),
      await EventLog.open({ dir: work(`${SMALL}`) }),
    ];
    const times: number[][] = [[], []];
    const history = mailboxHistory(Date.UTC(2027, 0, 1));
    for (let i = 0; i < options.appends; i++) {
      const step = history.next().value;
      if (!step) break;
      for (let k = 0; k < 2; k++) {
        const which = (i + k) % 2;
        const log = logs[which];
        if (!log) continue;
        const started = performance.now();
        await log.append(step.event, step.state, step.persisted);
        times[which]?.push(performance.now() - started);
      }
    }
    for (const log of logs) await log.close();
    await truncateAfter(work(`${LARGE}`), LARGE);
    await truncateAfter(work(`${SMALL}`), SMALL);
    if (rep < 0) continue; // warm-up
    large.push(median(times[0] ?? []));
    small.push(median(times[1] ?? []));
  }
  return { large, small };
}

interface RecoveryArm extends Arm {
  openMs: number[];
  replayMs: number[];
  records: number;
}

function recoveryArm(variant: Variant): RecoveryArm {
  const arm: RecoveryArm = {
    name: variant,
    openMs: [],
    replayMs: [],
    records: 0,
    run: async () => {
      const t0 = performance.now();
      const log = await EventLog.open({ dir: work(variant) });
      const t1 = performance.now();
      const snapshot = replay(mailboxMachine, log.recovery.checkpoint?.snapshot ?? null, log.recovery.tail);
      const t2 = performance.now();
      await log.close();
      if (snapshot.status !== "active") throw new Error(`replay of ${variant} ended ${snapshot.status}`);
      arm.openMs.push(t1 - t0);
      arm.replayMs.push(t2 - t1);
      arm.records = log.recovery.tail.length;
    },
  };
  return arm;
}

/** Replay must land where the log says it was: the state of its newest record. */
async function checkReplay(variant: Variant): Promise<void> {
  const log = await EventLog.open({ dir: work(variant) });
  const snapshot = replay(mailboxMachine, log.recovery.checkpoint?.snapshot ?? null, log.recovery.tail);
  const [last] = await log.read({ limit: 1 });
  await log.close();
  if (JSON.stringify(snapshot.value) !== JSON.stringify(last?.state)) {
    throw new Error(
      `replay of ${variant} gives ${JSON.stringify(snapshot.value)}, log says ${JSON.stringify(last?.state)}`,
    );
  }
}

async function recovery(large: Variant, small: Variant, reps: number) {
  await checkReplay(large);
  await checkReplay(small);
  const arms = [recoveryArm(large), recoveryArm(small)] as const;
  const samples = await interleave(arms, { warmup: RECOVERY_WARMUP, reps });
  return { arms, a: samples[large] ?? [], b: samples[small] ?? [] };
}

/** Median of the measured runs (the arm also records its warm-ups). */
const ms = (values: readonly number[]) => `${median(values.slice(RECOVERY_WARMUP)).toFixed(1)} ms`;

export async function logBench(options: LogBenchOptions): Promise<string> {
  const { log } = options;
  await ensureTemplates(log);
  await copyTemplates();
  log(`(b) append latency: ${options.appends} interleaved appends × ${options.appendReps} reps ...`);
  const appends = await appendLatency(options);
  log(`(c) recovery: ${options.recoveryReps} interleaved pairs per variant ...`);
  const atCheckpoint = await recovery(`${LARGE}`, `${SMALL}`, options.recoveryReps);
  const midSegment = await recovery(`${LARGE}+${TAIL}`, `${SMALL}+${TAIL}`, options.recoveryReps);

  const appendRows: Row[] = [
    {
      name: `append (awaited), ${LARGE / 1000}k vs ${SMALL / 1000}k stored`,
      a: appends.large,
      b: appends.small,
      target: 2,
    },
  ];
  const recoveryRows: Row[] = [
    {
      name: "open + replay, at a checkpoint (tail 0)",
      a: atCheckpoint.a,
      b: atCheckpoint.b,
      target: 2,
    },
    { name: `open + replay, mid-segment (tail ${TAIL})`, a: midSegment.a, b: midSegment.b, target: 2 },
  ];
  const split = (r: Awaited<ReturnType<typeof recovery>>) =>
    r.arms
      .map((a) => `${a.name}: open ${ms(a.openMs)} + replay ${ms(a.replayMs)} of ${a.records} records`)
      .join("; ");
  return [
    renderTable(
      "(b) event-log append latency, segmentSize 1000",
      { a: `${LARGE / 1000}k`, b: `${SMALL / 1000}k` },
      appendRows,
    ),
    `  each rep: ${options.appends} appends alternating between the two logs, each awaited (durable); medians per rep, ${options.appendReps} reps after 1 warm-up.`,
    `  both logs start at a segment boundary, so each rep fills a fresh segment from 1 to ${options.appends} records in both.`,
    renderTable(
      "(c) recovery: EventLog.open + replay(mailboxMachine) of the tail",
      { a: `${LARGE / 1000}k`, b: `${SMALL / 1000}k` },
      recoveryRows,
    ),
    `  ${options.recoveryReps} interleaved pairs after ${RECOVERY_WARMUP} warm-up; "+${TAIL}" logs hold ${TAIL} records after their last checkpoint.`,
    `  at a checkpoint — ${split(atCheckpoint)}`,
    `  mid-segment — ${split(midSegment)}`,
  ].join("\n");
}
