/**
 * The host: owns the state directory (its lock), runs one unit per workspace it serves (and every other
 * registered kind: the backup), and turns hooks, timers and requests into events. One host, two lifetimes:
 * long-lived (`workspace-sync daemon`, the OpenClaw plugin's service), serving the socket and running
 * timers and schedules; or one-shot (a command with no host running: `listen: false`, `timers: false`),
 * serving only the command that started it, in its own process.
 */
import { resolve } from "node:path";
import type { LoadedConfig } from "../config/load.js";
import { socketPathOf } from "../ipc/client.js";
import { type HelloResult, protocolVersion } from "../ipc/protocol.js";
import { IpcServer, RequestError } from "../ipc/server.js";
import { acquireStateDirLock, type StateDirLock } from "../log/state-dir-lock.js";
import { workspaceId } from "../paths.js";
import { findRclone, readRcloneVersion } from "../rclone/binary.js";
import { unitKinds } from "../runtime/kinds.js";
import type { HostLogger, HostServices, SessionHook, Unit, UnitKind } from "../runtime/unit.js";
import { WorkspaceUnit } from "../runtime/workspace/unit.js";
import { messageOf } from "../util/errors.js";
import { toolVersion } from "../version.js";
import { serve } from "./serve.js";

export interface HostOptions {
  stateDir: string;
  config: LoadedConfig;
  /** Workspaces served from the start; more are added when a hook or a client names one. */
  workspaces: readonly string[];
  logger: HostLogger;
  /** OpenClaw's state directory, archived by backups (default: `$OPENCLAW_STATE_DIR`, else `~/.openclaw`). */
  openclawState?: string;
  env?: NodeJS.ProcessEnv;
  /** Recorded in the state-directory lock, shown to anyone refused by it. */
  command?: string;
  now?: () => number;
  onArrivals?: HostServices["onArrivals"];
  onTransition?: HostServices["onTransition"];
  kinds?: readonly UnitKind[];
  /** Serve the socket (default true); a one-shot host does not. */
  listen?: boolean;
  /** Run interval timers and backup schedules (default true); a one-shot host does not. */
  timers?: boolean;
  /** Start the units of `workspaces` (and scheduled ones) now (default true); else each on its first request. */
  startUnits?: boolean;
  backupLeftoverGraceMs?: number;
  /** The file watcher's backend (default `@parcel/watcher`); tests hand in one that fails. */
  watchBackend?: HostServices["watchBackend"];
}

export class Host {
  readonly #units = new Map<string, Unit>();
  /** Units being started for a workspace named after start-up, so concurrent requests start one. */
  readonly #starting = new Map<string, Promise<Unit>>();
  #server: IpcServer | null = null;
  #stopping: Promise<void> | null = null;
  readonly startedAt = new Date();

  private constructor(
    private readonly services: HostServices,
    private readonly lock: StateDirLock,
    private readonly kinds: readonly UnitKind[],
    /** The workspaces served from the start (the first is the one backups archive). */
    private readonly workspaces: readonly string[],
  ) {}

  static async start(options: HostOptions): Promise<Host> {
    const env = options.env ?? process.env;
    const stateDir = resolve(options.stateDir);
    const rcloneBinary = await findRclone({ env });
    const rcloneVersion = (await readRcloneVersion(rcloneBinary, { env })).raw;
    const lock = await acquireStateDirLock(stateDir, { command: options.command ?? "workspace-sync daemon" });
    const services: HostServices = {
      stateDir,
      config: options.config,
      env,
      rcloneBinary,
      rcloneVersion,
      now: options.now ?? Date.now,
      logger: options.logger,
      onArrivals: options.onArrivals,
      onTransition: options.onTransition,
      openclawState: options.openclawState,
      timers: options.timers !== false,
      backupLeftoverGraceMs: options.backupLeftoverGraceMs,
      watchBackend: options.watchBackend,
    };
    const workspaces = [...new Set(options.workspaces.map((w) => resolve(w)))];
    const kinds = options.kinds ?? unitKinds;
    const host = new Host(services, lock, kinds, workspaces);
    try {
      for (const kind of options.startUnits === false ? [] : kinds) {
        for (const unit of await kind.start(services, workspaces)) host.#units.set(unit.info.id, unit);
      }
      if (options.listen !== false) {
        host.#server = await IpcServer.listen(
          socketPathOf(stateDir),
          (request, exchange) => serve(host, request, exchange),
          (m) => options.logger.warn(m),
        );
      }
    } catch (error) {
      await host.stop().catch(() => undefined);
      throw error;
    }
    return host;
  }

  get stateDir(): string {
    return this.services.stateDir;
  }

  get socketPath(): string | null {
    return this.#server?.path ?? null;
  }

  hello(): HelloResult {
    return {
      protocol: protocolVersion,
      pid: process.pid,
      version: toolVersion(),
      startedAt: this.startedAt.toISOString(),
      units: this.units().map((u) => u.info),
    };
  }

  units(): readonly Unit[] {
    return [...this.#units.values()];
  }

  async resolveUnit(ref: { unit?: string | undefined; workspace?: string | undefined }, create: boolean) {
    if (ref.unit !== undefined) {
      const unit = this.#units.get(ref.unit) ?? (create ? await this.#startOnRequest(ref.unit) : undefined);
      if (!unit) throw new RequestError("unknown-unit", `this host runs no unit "${ref.unit}"`);
      return unit;
    }
    if (ref.workspace !== undefined) {
      const found = this.#units.get(workspaceId(ref.workspace));
      if (found) return found;
      if (!create)
        throw new RequestError("unknown-unit", `this host does not serve workspace ${ref.workspace}`);
      return this.workspace(ref.workspace);
    }
    const only = this.units().filter((u) => u.info.kind === "workspace");
    if (only.length === 1 && only[0]) return only[0];
    throw new RequestError("unknown-unit", "name a unit or a workspace: this host serves several");
  }

  /** The unit of `workspace`, started now if the host does not serve it yet. */
  async workspace(path: string): Promise<Unit> {
    const absolute = resolve(path);
    const id = workspaceId(absolute);
    const existing = this.#units.get(id) ?? this.#starting.get(id);
    if (existing) return existing;
    if (this.#stopping) throw new RequestError("stopping", "the host is stopping");
    const starting = this.#startWorkspace(absolute, id).catch((error: unknown) => {
      throw new RequestError("refused", `could not start workspace ${absolute}: ${messageOf(error)}`);
    });
    return starting;
  }

  /**
   * The unit a command in this process asks for (a one-shot host's): started now if need be. Unlike a
   * socket request, a failure to start is the command's own error, as it is.
   */
  async unitFor(ref: { unit: string } | { workspace: string }): Promise<Unit> {
    if ("unit" in ref) {
      const unit = this.#units.get(ref.unit) ?? (await this.#startOnRequest(ref.unit));
      if (!unit) throw new Error(`this host runs no unit "${ref.unit}"`);
      return unit;
    }
    const absolute = resolve(ref.workspace);
    const id = workspaceId(absolute);
    return this.#units.get(id) ?? this.#starting.get(id) ?? this.#startWorkspace(absolute, id);
  }

  #startWorkspace(absolute: string, id: string): Promise<Unit> {
    if (this.#stopping) throw new RequestError("stopping", "the host is stopping");
    const starting = WorkspaceUnit.start(this.services, absolute)
      .then((unit): Unit => {
        this.#units.set(id, unit);
        this.services.logger.info(`serving workspace ${absolute} (${id})`);
        return unit;
      })
      .finally(() => this.#starting.delete(id));
    this.#starting.set(id, starting);
    return starting;
  }

  /** The unit `id` of a kind that starts it when a client first sends it a trigger; undefined if none does. */
  #startOnRequest(id: string): Promise<Unit> | undefined {
    const existing = this.#starting.get(id);
    if (existing) return existing;
    if (this.#stopping) throw new RequestError("stopping", "the host is stopping");
    for (const kind of this.kinds) {
      const started = kind.startOnRequest?.(this.services, id, this.workspaces);
      if (!started) continue;
      const starting = started
        .then((unit) => {
          this.#units.set(id, unit);
          this.services.logger.info(`serving ${unit.info.kind} ${unit.info.label} (${id})`);
          return unit;
        })
        .catch((error: unknown) => {
          throw new RequestError("refused", `could not start unit "${id}": ${messageOf(error)}`);
        })
        .finally(() => this.#starting.delete(id));
      this.#starting.set(id, starting);
      return starting;
    }
    return undefined;
  }

  /** A session hook for `workspace`: returns at once; the unit decides whether to sync. */
  hook(hook: SessionHook, workspace: string): void {
    // Sync off (a host for backups only): no workspace unit to start.
    if (this.#stopping || this.services.config.sync.provider === "off") return;
    this.workspace(workspace)
      .then((unit) => unit.onHook(hook))
      .catch((error: unknown) => this.services.logger.warn(`${hook} for ${workspace}: ${messageOf(error)}`));
  }

  /**
   * Stop cleanly: no new requests, waiting clients told; every unit stopped (its rclone gets SIGTERM, the
   * log records `hostStopped`); the socket removed and the state directory released.
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#server?.close().catch((e: unknown) => this.services.logger.warn(messageOf(e)));
      await Promise.allSettled([...this.#starting.values()]);
      const results = await Promise.allSettled(this.units().map((unit) => unit.stop()));
      for (const r of results) if (r.status === "rejected") this.services.logger.error(messageOf(r.reason));
      await this.lock.release();
    })();
    return this.#stopping;
  }
}
