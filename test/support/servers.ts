/**
 * Real remotes on 127.0.0.1 for end-to-end tests, started and stopped by the tests:
 * SFTP served by the real rclone (`rclone serve sftp`), S3 served by `s3rver`.
 * Each gives the plugin config that points at it (`custom` sftp, or `s3` with a bucket) and an rclone
 * remote spec with its own config file, for independent `rclone check`s.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import S3rver from "s3rver";
import { testEnv } from "./sandbox.js";

const run = promisify(execFile);

export interface TestRemote {
  /** Plugin config keys that select this remote (merge into a sandbox config). */
  config: Record<string, unknown>;
  /** An rclone config file (for checks outside the tool) defining the remote `check`. */
  rcloneConfig: string;
  /** `check:<root>`: where the tool's `remotePath` lands, for `rcloneCheck(..., ["--config", rcloneConfig])`. */
  root(remotePath?: string): string;
  stop(): Promise<void>;
  /** The server's process, when it runs as one (SFTP): for tests that freeze it (SIGSTOP). */
  pid?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before listening`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: "127.0.0.1" });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

function section(name: string, options: Record<string, string>): string {
  return [`[${name}]`, ...Object.entries(options).map(([k, v]) => `${k} = ${v}`), ""].join("\n");
}

/**
 * `rclone serve sftp <dir>` on 127.0.0.1 with a user and password; `custom` sftp config for the tool.
 * `port` starts it again where a stopped one listened (its host key is kept beside `dir`).
 */
export async function startSftpServer(dir: string, at: { port?: number } = {}): Promise<TestRemote> {
  await mkdir(dir, { recursive: true });
  const port = at.port ?? (await freePort());
  const user = "wsync";
  const pass = "sftp-test-pass";
  const keyDir = join(dir, "..", `sftp-keys-${port}`);
  await mkdir(keyDir, { recursive: true });
  // A restart keeps the key (ssh-keygen would ask on stdin whether to overwrite it, and wait).
  if (!existsSync(join(keyDir, "host")))
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(keyDir, "host")]).catch(
      () => undefined,
    );
  const keyArgs = await run("test", ["-f", join(keyDir, "host")]).then(
    () => ["--key", join(keyDir, "host")],
    () => [],
  );
  const child = spawn(
    "rclone",
    ["serve", "sftp", dir, "--addr", `127.0.0.1:${port}`, "--user", user, "--pass", pass, ...keyArgs],
    { env: testEnv(), stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  try {
    await waitForPort(port, child);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  const obscured = (await run("rclone", ["obscure", pass], { env: testEnv() })).stdout.trim();
  const options = {
    host: "127.0.0.1",
    port: String(port),
    user,
    pass: obscured,
    shell_type: "unix",
    md5sum_command: "md5sum",
    sha1sum_command: "sha1sum",
  };
  const rcloneConfig = join(keyDir, "check.conf");
  await writeFile(rcloneConfig, section("check", { type: "sftp", ...options }), { mode: 0o600 });
  return {
    config: { provider: "custom", custom: { rcloneType: "sftp", rcloneOptions: options } },
    rcloneConfig,
    root: (remotePath = "openclaw-share") => `check:${remotePath}`,
    ...(child.pid === undefined ? {} : { pid: child.pid }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** `s3rver` on 127.0.0.1 holding `bucket`; `s3` config for the tool (files at `<bucket>/<remotePath>`). */
export async function startS3Server(dir: string, bucket = "wsync-test"): Promise<TestRemote> {
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const server = new S3rver({
    address: "127.0.0.1",
    port,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket }],
  });
  await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const rcloneConfig = join(dir, "..", `s3-check-${port}.conf`);
  await writeFile(
    rcloneConfig,
    section("check", {
      type: "s3",
      provider: "Other",
      endpoint,
      force_path_style: "true",
      access_key_id: "S3RVER",
      secret_access_key: "S3RVER",
    }),
    { mode: 0o600 },
  );
  return {
    config: {
      provider: "s3",
      s3: { endpoint, bucket, accessKeyId: "S3RVER", secretAccessKey: "S3RVER", provider: "Other" },
    },
    rcloneConfig,
    root: (remotePath = "openclaw-share") => `check:${bucket}/${remotePath}`,
    stop: () => server.close(),
  };
}
