/** Newline-delimited JSON frames on a stream socket, both ways. */
import type { Socket } from "node:net";

/** A line longer than this is a broken peer, not a request: the connection is closed. */
export const maxFrameBytes = 16 * 1024 * 1024;

export type FrameWriter = (message: unknown) => void;

export function frameWriter(socket: Socket): FrameWriter {
  return (message) => {
    if (socket.destroyed || socket.writableEnded) return;
    socket.write(`${JSON.stringify(message)}\n`);
  };
}

/** Calls `onLine` with each complete line (without its newline); empty lines are skipped. */
export function frameReader(socket: Socket, onLine: (line: string) => void): void {
  let buffered = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf("\n");
    while (newline !== -1) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line !== "") onLine(line);
      newline = buffered.indexOf("\n");
    }
    if (buffered.length > maxFrameBytes) socket.destroy(new Error("frame too long"));
  });
}
