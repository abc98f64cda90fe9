/**
 * One real drain of the remote `_outbox` into `_inbox`, in an order where a crash at any point loses
 * nothing and delivers nothing twice or in part:
 *
 * 1. list `_outbox` (size, modification time, hash where the backend has one);
 * 2. keep only settled files (unchanged across two listings `outboxSettleSeconds` apart), waiting once
 *    within this step when some are new;
 * 3. finish what a drain cut short had delivered (the journal, or a staged file already linked into `_inbox`):
 *    its remote copy is deleted, nothing is delivered again;
 * 4. `rclone copy` (never move) the settled files into staging; a staged file is delivered only when it is
 *    complete against its remote object (size, and MD5 or SHA-1 where the backend has one); anything else
 *    in staging is discarded and fetched again next time;
 * 5. deliver each one by a link into `_inbox` (never replacing a file), journal it;
 * 6. delete exactly the delivered files from `_outbox`, then the staged copies and the journal.
 */
import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DrainOutcome, MailboxEvent } from "../../../machines/mailbox.js";
import type { FailureReason, TransferStats } from "../../../machines/outcomes.js";
import { failure } from "../../effects/shared.js";
import { writeFileDurably } from "../../util/durable-file.js";
import { messageOf } from "../../util/errors.js";
import type { EffectKit } from "../types.js";
import {
  type Delivery,
  deliverOne,
  failedOnItsOwn,
  quarantine,
  removeStaleTemps,
  takeBack,
} from "./deliver.js";
import { checkInbox, checkLocalOutbox, HandoffRefused } from "./handoff.js";
import {
  ambiguous,
  listOutbox,
  type OutboxEntry,
  onlyThese,
  type SeenFiles,
  seenFilesSchema,
  settle,
  uploadsAppearWhole,
} from "./outbox.js";
import { fitting, freeBytes, noSpace } from "./space.js";
import {
  deliveryJournal,
  isComplete,
  type JournalLine,
  JournalWriteFailed,
  removeEmptyDirs,
  removeFile,
  type StagedFile,
  stagedFiles,
} from "./staging.js";

/** rclone's words for a full local disk while it writes. */
const outOfSpace = /no space left|disk quota exceeded|file too big for remaining disk space/i;

interface DrainFiles {
  journal: string;
  seen: string;
  quarantineDir: string;
}

export function drainFiles(toolDir: string): DrainFiles {
  return {
    journal: join(toolDir, "incoming.delivered"),
    seen: join(toolDir, "outbox-seen.json"),
    quarantineDir: join(toolDir, "quarantine"),
  };
}

async function readSeen(file: string): Promise<SeenFiles> {
  try {
    const parsed = seenFilesSchema.safeParse(JSON.parse(await readFile(file, "utf8")));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

function addStats(a: TransferStats, b: TransferStats): TransferStats {
  return {
    bytes: a.bytes + b.bytes,
    transfers: a.transfers + b.transfers,
    deletes: a.deletes + b.deletes,
    checks: a.checks + b.checks,
    renames: a.renames + b.renames,
    errors: a.errors + b.errors,
    elapsedSeconds: a.elapsedSeconds + b.elapsedSeconds,
  };
}

/** The real drain (see the file's comment). Returns `drainDone` or a typed `drainFailed`. */
export async function drainOutbox(kit: EffectKit, signal: AbortSignal): Promise<MailboxEvent> {
  const { paths, rclone, now, config } = kit;
  const outbox = `${kit.remoteRoot}/_outbox`;
  const files = drainFiles(paths.toolDir);
  const journal = deliveryJournal(files.journal);
  const failed = (error: FailureReason): MailboxEvent => ({ type: "drainFailed", at: now(), error });
  let needBytes = 0;
  try {
    await checkInbox(paths.inboxDir);
    await checkLocalOutbox(config, paths);
    await mkdir(paths.stagingDir, { recursive: true, mode: 0o700 });
    await removeStaleTemps(paths.inboxDir);

    // 1-2. What is in `_outbox`, and which of it has settled.
    let listed = await listOutbox(rclone, outbox, signal);
    if (!listed.ok) return failed(listed.failure);
    const settleMs = uploadsAppearWhole(config) ? 0 : config.outboxSettleSeconds * 1000;
    let settling = settle(listed.entries, await readSeen(files.seen), now(), settleMs);
    if (settling.settlesAt !== null) {
      await abortableSleep(Math.max(0, settling.settlesAt - now()), signal);
      if (signal.aborted)
        return failed({ kind: "retryable", message: "the drain was stopped (the host is stopping)" });
      listed = await listOutbox(rclone, outbox, signal);
      if (!listed.ok) return failed(listed.failure);
      settling = settle(listed.entries, settling.seen, now(), settleMs);
    }
    await writeFileDurably(files.seen, JSON.stringify(settling.seen));
    const unclear = ambiguous(listed.entries);
    const wanted = new Map<string, OutboxEntry>(
      settling.settled.filter((e) => !unclear.has(e.path)).map((e) => [e.path, e]),
    );
    const byPath = new Map(listed.entries.map((e) => [e.path, e]));

    // 3. Staging as a cut-short drain left it.
    const delivered = new Map<string, { line: JournalLine; staged: StagedFile | null }>();
    for (const line of await journal.read()) delivered.set(line.from, { line, staged: null });
    const ready: StagedFile[] = [];
    for (const staged of await stagedFiles(paths.stagingDir)) {
      const done = delivered.get(staged.key);
      if (done !== undefined) done.staged = staged;
      else if (staged.linked) {
        delivered.set(staged.key, { line: { from: staged.key, to: "", size: staged.size }, staged });
      } else {
        const entry = wanted.get(staged.key);
        if (entry !== undefined && (await isComplete(staged, entry))) ready.push(staged);
        else await removeFile(staged.raw); // a partial, or a file that changed: fetched again
      }
    }

    // 4. Copy what is settled and not staged yet; keep what is complete.
    const missing = [...wanted.keys()].filter((p) => !delivered.has(p) && !ready.some((s) => s.key === p));
    // Only what fits on the disk is fetched; the rest stays in `_outbox`, and the drain says how much is needed.
    const room = fitting(missing, (p) => wanted.get(p)?.size ?? 0, await freeBytes(paths.stagingDir));
    const toFetch = room.fit;
    let stats = listed.stats;
    let copyFailure: FailureReason | null = room.left.length > 0 ? noSpace(room, paths.stagingDir) : null;
    if (toFetch.length > 0) {
      needBytes = toFetch.reduce((sum, p) => sum + (wanted.get(p)?.size ?? 0), 0);
      const filter = join(paths.toolDir, "incoming.filter");
      await writeFile(filter, onlyThese(toFetch), { mode: 0o600 });
      const copied = await rclone(["copy", outbox, paths.stagingDir, "--filter-from", filter], signal);
      await unlink(filter).catch(() => undefined);
      stats = addStats(stats, copied.stats);
      if (!copied.ok) copyFailure ??= copied.failure;
      const fetched = new Set(toFetch);
      const unverified: string[] = [];
      for (const staged of await stagedFiles(paths.stagingDir)) {
        if (!fetched.has(staged.key)) continue;
        const entry = wanted.get(staged.key);
        if (entry !== undefined && !staged.linked && (await isComplete(staged, entry))) ready.push(staged);
        else {
          await removeFile(staged.raw);
          unverified.push(staged.key);
        }
      }
      // The disk filled while rclone fetched (another writer took the room): the partials are gone (above);
      // say how much the files still waiting need, as when the disk was full before the fetch.
      if (!copied.ok && outOfSpace.test(copied.failure.message)) {
        const waiting = toFetch.filter((p) => !ready.some((s) => s.key === p));
        const now = fitting(waiting, (p) => wanted.get(p)?.size ?? 0, await freeBytes(paths.stagingDir));
        if (now.left.length > 0) copyFailure = noSpace(now, paths.stagingDir);
      }
      // Fetched but not the object listed (it changed meanwhile, or the remote lists a stale size): said, retried.
      if (unverified.length > 0)
        copyFailure ??= {
          kind: "retryable",
          message: `${unverified.slice(0, 3).join(", ")}: the fetched copy did not match the remote object listed (size or hash); it stays in _outbox and is fetched again`,
        };
    }

    // 5. Deliver, one by one, each recorded in the journal before the next.
    const arrivals: Delivery[] = [];
    const quarantined: NonNullable<DrainOutcome["quarantined"]> = [];
    // A journal line that cannot be written takes its delivery back (see `record`): nothing twice, nothing lost.
    const record = async (line: JournalLine, undo: () => Promise<string>): Promise<void> => {
      try {
        await journal.append(line);
      } catch (error) {
        const undone = await undo();
        throw new JournalWriteFailed(
          `the delivery journal ${files.journal} cannot be written (${messageOf(error)}): ${line.from} ${undone}, and stays in _outbox until a drain can record its delivery; nothing is delivered twice`,
          error,
        );
      }
    };
    for (const staged of ready) {
      const modTime = wanted.get(staged.key)?.modTime;
      let delivery: Delivery;
      try {
        delivery = await deliverOne(staged.raw, staged.key, paths.inboxDir);
      } catch (error) {
        // A full disk, or an `_inbox` that takes nothing: the drain fails (and is retried); the staged file waits.
        if (!(await failedOnItsOwn(error, paths.inboxDir))) throw error;
        const reason = messageOf(error);
        const name = await quarantine(staged.raw, staged.key, files.quarantineDir, now());
        const to = `.workspace-sync/quarantine/${name}`;
        const line = {
          from: staged.key,
          to,
          size: staged.size,
          ...(modTime ? { modTime } : {}),
          quarantined: true,
        };
        await record(line, async () => {
          const back = await rename(join(files.quarantineDir, name), staged.raw).then(
            () => true,
            () => false,
          );
          return back ? "was not quarantined" : `is in ${to}`;
        });
        delivered.set(staged.key, { line, staged: null });
        quarantined.push({ from: staged.key, to, reason });
        continue;
      }
      const line = { from: staged.key, to: delivery.to, size: staged.size, ...(modTime ? { modTime } : {}) };
      await record(line, async () =>
        (await takeBack(staged.raw, delivery, paths.inboxDir))
          ? "was taken back out of _inbox"
          : `was delivered as _inbox/${delivery.to} (its staged copy, still linked there, tells the next drain)`,
      );
      delivered.set(staged.key, { line, staged });
      arrivals.push(delivery);
    }

    // 6. Delete exactly the delivered files from `_outbox` (only while the remote copy is the one delivered).
    // A remote file of another size under a delivered name is a new upload: it stays for the next drain.
    const isDelivered = (line: JournalLine): boolean => {
      const remote = byPath.get(line.from);
      return remote?.size === line.size && (line.modTime === undefined || remote.modTime === line.modTime);
    };
    const toDelete = [...delivered.values()]
      .filter(({ line }) => isDelivered(line) && !unclear.has(line.from))
      .map(({ line }) => line.from);
    if (toDelete.length > 0) {
      const filter = join(paths.toolDir, "delivered.filter");
      await writeFile(filter, onlyThese(toDelete), { mode: 0o600 });
      const deleted = await rclone(["delete", outbox, "--filter-from", filter], signal);
      await unlink(filter).catch(() => undefined);
      stats = addStats(stats, deleted.stats);
      if (!deleted.ok) return failed(deleted.failure);
      await rclone(["rmdirs", outbox, "--leave-root"], signal);
    }
    for (const { staged } of delivered.values()) if (staged !== null) await removeFile(staged.raw);
    await journal.clear();
    await removeEmptyDirs(paths.stagingDir);
    if (copyFailure !== null) return failed(copyFailure);

    const waiting = settling.unsettled.map((e) => e.path);
    const outcome: DrainOutcome = {
      arrivals: arrivals.map((d) => d.to),
      renamed: arrivals
        .filter((d) => d.from !== d.to)
        .map((d) => (d.why ? { from: d.from, to: d.to, why: d.why } : { from: d.from, to: d.to })),
      stats,
      ...(waiting.length > 0 ? { waiting } : {}),
      ...(quarantined.length > 0 ? { quarantined } : {}),
    };
    return { type: "drainDone", at: now(), ...outcome };
  } catch (error) {
    if (error instanceof HandoffRefused)
      return failed({ kind: "fatal", message: error.message, hint: error.hint });
    if (error instanceof JournalWriteFailed) {
      const { kind, hint } = failure(error.reason);
      const fix = `Make ${files.journal} writable again (free space, fix the owner or permissions of ${paths.toolDir}); the drain then delivers it once.`;
      return failed({ kind, message: error.message, hint: hint ?? fix });
    }
    return failed(failure(error, needBytes));
  }
}
