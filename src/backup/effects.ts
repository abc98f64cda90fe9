/**
 * The backup machine's effects, provided at run time: create (stream the snapshot to a partial object),
 * check (its size and hash on the remote), publish (final name, then the manifest), prune (retention and
 * leftovers), and the schedule's deadline. Each resolves to the outcome event; none rejects.
 */

import { fromCallback } from "xstate";
import type { BackupEvent, backupMachine, SnapshotSummary } from "../../machines/backup.js";
import { effectActor, type InFlight } from "../effects/actors.js";
import { createSnapshot } from "./create.js";
import { type Manifest, manifestSchema } from "./manifest.js";
import { defaultLeftoverGraceMs, prune } from "./prune.js";
import { checkUpload, publishSnapshot } from "./publish.js";
import { policyOf } from "./retention.js";
import type { BackupRuntime } from "./runtime.js";

export interface EffectsOptions {
  runtime: BackupRuntime;
  inFlight: InFlight;
  leftoverGraceMs?: number;
}

/** The longest single timer Node keeps (about 24.8 days); longer waits re-arm. */
const maxTimerMs = 2_147_483_647;

/** Fires `backupDue` at an absolute time (epoch ms); never for an infinite one. */
export function scheduleActor(now: () => number) {
  return fromCallback<BackupEvent, { at: number }>(({ input, sendBack }) => {
    if (!Number.isFinite(input.at)) return () => undefined;
    const holder: { timer?: NodeJS.Timeout } = {};
    const arm = () => {
      const left = input.at - now();
      if (left <= 0) {
        sendBack({ type: "backupDue", at: now() });
        return;
      }
      holder.timer = setTimeout(arm, Math.min(left, maxTimerMs));
    };
    holder.timer = setTimeout(arm, 0);
    return () => clearTimeout(holder.timer);
  });
}

/** The machine carries the manifest as a summary (it stays pure of the backup format); read it back checked. */
const asManifest = (summary: SnapshotSummary): Manifest => manifestSchema.parse(summary);

export function backupEffects({ runtime, inFlight, leftoverGraceMs }: EffectsOptions) {
  const { ops, now } = runtime;
  const create = async (input: { id: string; startedAt: number }, signal: AbortSignal) => {
    const result = await createSnapshot(runtime, input, signal);
    if (!result.ok) return { type: "uploadFailed", at: now(), error: result.failure } as const;
    const manifest: SnapshotSummary = result.manifest;
    return { type: "uploadDone", at: now(), manifest, partial: result.partial } as const;
  };
  const check = async (
    { upload }: { upload: { manifest: SnapshotSummary; partial: string } },
    signal: AbortSignal,
  ) => {
    const result = await checkUpload(ops, upload.partial, asManifest(upload.manifest), signal);
    if (!result.ok) return { type: "checkFailed", at: now(), error: result.failure } as const;
    return { type: "checkDone", at: now(), hashChecked: result.hashChecked } as const;
  };
  const publish = async (
    { upload }: { upload: { manifest: SnapshotSummary; partial: string } },
    signal: AbortSignal,
  ) => {
    const result = await publishSnapshot(ops, upload.partial, asManifest(upload.manifest), signal);
    if (!result.ok) return { type: "publishFailed", at: now(), error: result.failure } as const;
    return { type: "publishDone", at: now() } as const;
  };
  const pruneEffect = async (input: { keepId: string; abandoned: string[] }, signal: AbortSignal) => {
    const result = await prune(
      ops,
      {
        policy: policyOf(runtime.config.retain),
        keepId: input.keepId,
        abandoned: input.abandoned,
        graceMs: leftoverGraceMs ?? defaultLeftoverGraceMs,
        now: now(),
      },
      signal,
    );
    if (!result.ok) return { type: "pruneFailed", at: now(), error: result.failure } as const;
    return { type: "pruneDone", at: now(), ...result.outcome } as const;
  };
  return {
    create: effectActor<{ id: string; startedAt: number }, BackupEvent>(
      create,
      (error) => ({ type: "uploadFailed", at: now(), error }),
      inFlight,
    ),
    check: effectActor<{ upload: { manifest: SnapshotSummary; partial: string } }, BackupEvent>(
      check,
      (error) => ({ type: "checkFailed", at: now(), error }),
      inFlight,
    ),
    publish: effectActor<{ upload: { manifest: SnapshotSummary; partial: string } }, BackupEvent>(
      publish,
      (error) => ({ type: "publishFailed", at: now(), error }),
      inFlight,
    ),
    prune: effectActor<{ keepId: string; abandoned: string[] }, BackupEvent>(
      pruneEffect,
      (error) => ({ type: "pruneFailed", at: now(), error }),
      inFlight,
    ),
    waitUntil: scheduleActor(now),
  } satisfies Partial<Parameters<typeof backupMachine.provide>[0]["actors"]>;
}
