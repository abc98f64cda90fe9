/**
 * A real terminal for interactive tests: tmux runs the command in a pseudo-terminal on its own server
 * socket (`-L`), `type`/`press` send keys, `waitFor` polls `capture-pane` until the text shows.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { testEnv } from "./sandbox.js";

const run = promisify(execFile);

export interface Terminal {
  screen(): Promise<string>;
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  type(text: string): Promise<void>;
  press(...keys: string[]): Promise<void>;
  close(): Promise<void>;
}

export async function openTerminal(command: string, env: Record<string, string> = {}): Promise<Terminal> {
  const socket = `wsync-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => run("tmux", ["-L", socket, ...args], { env: testEnv(env) });
  await tmux("new-session", "-d", "-s", "t", "-x", "160", "-y", "60", command);
  await tmux("set-option", "-t", "t", "remain-on-exit", "on");
  const screen = async () => (await tmux("capture-pane", "-p", "-J", "-S", "-2000", "-t", "t")).stdout;
  return {
    screen,
    waitFor: async (text, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      let last = "";
      while (Date.now() < deadline) {
        last = await screen();
        if (typeof text === "string" ? last.includes(text) : text.test(last)) return last;
        await new Promise((r) => setTimeout(r, 150));
      }
      throw new Error(`the terminal never showed ${String(text)}; it shows:\n${last}`);
    },
    type: async (text) => {
      await tmux("send-keys", "-t", "t", "-l", text);
    },
    press: async (...keys) => {
      for (const key of keys) {
        await tmux("send-keys", "-t", "t", key);
        await new Promise((r) => setTimeout(r, 120));
      }
    },
    close: async () => {
      await tmux("kill-server").catch(() => undefined);
    },
  };
}
