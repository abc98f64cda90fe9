/** A unit of the running host, held through its socket: the same `UnitHandle` a one-shot host's unit is. */
import type { UnitRequest } from "../../machines/requests.js";
import type { HostClient } from "../ipc/client.js";
import type { SendResult } from "../ipc/protocol.js";
import type { LogRecord } from "../log/event-log.js";
import type { RcloneProgress } from "../rclone/progress.js";
import type { Answer, Transition, UnitHandle } from "../runtime/unit.js";

export type UnitRef = { workspace: string } | { unit: string };

export class RemoteUnit implements UnitHandle {
  readonly #transitions = new Set<(transition: Transition) => void>();
  readonly #progress = new Set<(stats: RcloneProgress) => void>();

  constructor(
    private readonly client: HostClient,
    private readonly ref: UnitRef,
  ) {}

  async request(request: UnitRequest, options: { wait?: boolean } = {}): Promise<Answer> {
    const wait = options.wait !== false;
    const listening = this.#transitions.size > 0 || this.#progress.size > 0;
    return this.client.call<SendResult>(
      { op: "send", ...this.ref, event: request, wait, progress: wait && listening },
      {
        onStream: (t) => {
          for (const listener of this.#transitions) listener(t);
        },
        onStats: (stats) => {
          for (const listener of this.#progress) listener(stats);
        },
      },
    );
  }

  watchProgress(listener: (stats: RcloneProgress) => void): () => void {
    this.#progress.add(listener);
    return () => this.#progress.delete(listener);
  }

  subscribe(listener: (transition: Transition) => void): () => void {
    this.#transitions.add(listener);
    return () => this.#transitions.delete(listener);
  }

  async history(options: { limit?: number; afterSeq?: number }): Promise<LogRecord[]> {
    const answer = await this.client.call<{ records: LogRecord[] }>({
      op: "history",
      ...this.ref,
      ...options,
    });
    return answer.records;
  }

  status(): Promise<unknown> {
    return this.client.call({ op: "status", ...this.ref });
  }
}
