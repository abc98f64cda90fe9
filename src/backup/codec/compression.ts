/**
 * Compression stages: gzip (in blocks on every core, see parallel-gzip.ts) and brotli in Node's zlib
 * (off the main thread), zstd through the system's
 * `zstd` program (Node 20's zlib has none), or none. A program's exit status is checked: a failed
 * stage errors the stream, and the pipeline around it fails.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { Duplex, PassThrough } from "node:stream";
import zlib from "node:zlib";
import type { BackupConfig } from "../../config/backup.js";
import { ParallelGzip } from "./parallel-gzip.js";

export type Compression = BackupConfig["compression"];

export interface CompressionChoice {
  algorithm: Compression;
  /** null for `none`. */
  level: number | null;
}

/** Levels used when `compressionLevel` is not set. */
export const defaultLevels: Record<Compression, number | null> = {
  gzip: 6,
  brotli: 4,
  zstd: 3,
  none: null,
};

export const extensions: Record<Compression, string> = { gzip: ".gz", brotli: ".br", zstd: ".zst", none: "" };

export function compressionOf(config: Pick<BackupConfig, "compression" | "compressionLevel">) {
  const algorithm = config.compression;
  return {
    algorithm,
    level: algorithm === "none" ? null : (config.compressionLevel ?? defaultLevels[algorithm]),
  };
}

const zlibChunk = 256 * 1024;

/** `zstd` (or another filter program) as a duplex stream; a non-zero exit errors it. */
export function programStage(command: string, args: readonly string[]): Duplex {
  const child: ChildProcess = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const stdin = child.stdin;
  const stdout = child.stdout;
  if (!stdin || !stdout) throw new Error(`${command}: no pipes`);
  const output = new PassThrough();
  const exited = new Promise<void>((resolve, reject) => {
    child.once("error", (error) => reject(new Error(`${command} could not run: ${error.message}`)));
    child.once("close", (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${command} ${signal ? `was killed by ${signal}` : `exited with ${code}`}${stderr ? `: ${stderr.trim()}` : ""}`,
          ),
        );
    });
  });
  stdout.pipe(output, { end: false });
  const ended = new Promise<void>((resolve) => stdout.once("end", resolve));
  Promise.all([exited, ended]).then(
    () => output.end(),
    (error: Error) => output.destroy(error),
  );
  stdin.on("error", () => undefined); // EPIPE when the program died: its exit status tells why
  const duplex = Duplex.from({ writable: stdin, readable: output });
  duplex.once("close", () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  return duplex;
}

export function compressStage(choice: CompressionChoice, zstdBinary = "zstd"): Duplex {
  switch (choice.algorithm) {
    case "gzip":
      return new ParallelGzip(choice.level ?? 6);
    case "brotli":
      return zlib.createBrotliCompress({
        chunkSize: zlibChunk,
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: choice.level ?? 4 },
      });
    case "zstd":
      return programStage(zstdBinary, ["-q", "-c", "-T0", `-${choice.level ?? 3}`]);
    case "none":
      return new PassThrough();
  }
}

export function decompressStage(algorithm: Compression, zstdBinary = "zstd"): Duplex {
  switch (algorithm) {
    case "gzip":
      return zlib.createGunzip({ chunkSize: zlibChunk });
    case "brotli":
      return zlib.createBrotliDecompress({ chunkSize: zlibChunk });
    case "zstd":
      return programStage(zstdBinary, ["-q", "-d", "-c"]);
    case "none":
      return new PassThrough();
  }
}
