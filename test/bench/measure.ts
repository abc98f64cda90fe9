/**
 * Timing helpers for the benchmarks: interleaved A/B pairs, medians of pairwise ratios, and the
 * tables `npm run bench` prints. Nothing here asserts a timing: targets are reported, never enforced.
 */
import { performance } from "node:perf_hooks";

export interface PairOptions {
  /** Pairs run and thrown away first (caches, JIT, lazily created folders). */
  warmup: number;
  /** Pairs measured. */
  reps: number;
  /** Runs before each pair (warm-up ones too), untimed: e.g. change the fixtures identically. */
  before?: (index: number) => Promise<void>;
}

export interface Arm {
  name: string;
  run: () => Promise<void>;
}

/** Milliseconds per measured pair, per arm name. */
export type Samples = Record<string, number[]>;

export async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/**
 * Runs every arm once per repetition, rotating which one goes first (A B C, B C A, ...), so neither side
 * profits from always running second on a warmer cache. Returns the measured times per arm, in order.
 */
export async function interleave(arms: readonly Arm[], options: PairOptions): Promise<Samples> {
  const samples: Samples = Object.fromEntries(arms.map((arm) => [arm.name, [] as number[]]));
  const total = options.warmup + options.reps;
  for (let index = 0; index < total; index++) {
    await options.before?.(index);
    for (let k = 0; k < arms.length; k++) {
      const arm = arms[(index + k) % arms.length];
      if (arm === undefined) continue;
      const ms = await timed(arm.run);
      if (index >= options.warmup) samples[arm.name]?.push(ms);
    }
  }
  return samples;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

/** `a[i] / b[i]` for every measured pair. */
export function ratios(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    out.push((a[i] ?? Number.NaN) / (b[i] ?? Number.NaN));
  return out;
}

/** `(a[i] + b[i]) / b[i]`: what B would cost with A's extra on top (e.g. a Node start-up per run). */
export function sumRatios(a: readonly number[], b: readonly number[]): number[] {
  return ratios(
    a.map((x, i) => x + (b[i] ?? Number.NaN)),
    b,
  );
}

export interface Row {
  name: string;
  /** Samples of the measured side (ours), and of the reference side. */
  a: readonly number[];
  b: readonly number[];
  /** Pairwise ratios; default `a[i] / b[i]`. */
  ratios?: readonly number[];
  /** Upper bound for the median ratio; null for an informational row. */
  target: number | null;
  /** Unit of a and b, default "ms". */
  unit?: "ms" | "µs";
}

function formatTime(ms: number, unit: Row["unit"]): string {
  if (unit === "µs") return `${(ms * 1000).toFixed(0)} µs`;
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ");
}

/** One table: name, median A, median B, ratio median (min–max), target, meets target. */
export function renderTable(title: string, labels: { a: string; b: string }, rows: readonly Row[]): string {
  const header = ["benchmark", `median A (${labels.a})`, `median B (${labels.b})`, "A/B median (min–max)"];
  const body = rows.map((row) => {
    const rs = row.ratios ?? ratios(row.a, row.b);
    const r = median(rs);
    const spread = `${r.toFixed(2)} (${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)})`;
    const meets = row.target === null ? "n/a (info)" : r <= row.target ? "yes" : "NO";
    return [
      row.name,
      formatTime(median(row.a), row.unit),
      formatTime(median(row.b), row.unit),
      spread,
      row.target === null ? "—" : `<= ${row.target.toFixed(2)}`,
      meets,
    ];
  });
  const all = [[...header, "target", "meets target"], ...body];
  const widths = all[0]?.map((_, col) => Math.max(...all.map((cells) => (cells[col] ?? "").length))) ?? [];
  const lines = all.map((cells) => pad(cells, widths).trimEnd());
  const rule = "-".repeat(Math.max(...lines.map((line) => line.length)));
  return [`\n${title}`, rule, lines[0] ?? "", rule, ...lines.slice(1), rule].join("\n");
}
