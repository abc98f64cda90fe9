/**
 * Planted secrets never leak: every command's stdout and stderr (successes and failures, text and JSON),
 * the event log and everything else in the state directory are grepped for each planted value. Only the
 * project's rclone.conf (0600) may hold them: that is where rclone reads them.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, filesIn, type Sandbox, testEnv } from "../support/sandbox.js";
import { startS3Server, startSftpServer, type TestRemote } from "../support/servers.js";

const run = promisify(execFile);

async function leaksIn(box: Sandbox, outputs: string[], secrets: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const [i, text] of outputs.entries()) {
    for (const secret of secrets) if (text.includes(secret)) found.push(`output #${i} holds ${secret}`);
  }
  for (const file of await filesIn(box.stateDir)) {
    if (file === "rclone.conf") continue;
    const text = await readFile(join(box.stateDir, file), "latin1");
    for (const secret of secrets) if (text.includes(secret)) found.push(`${file} holds ${secret}`);
  }
  return found;
}

const working = [
  ["status"],
  ["status", "--json"],
  ["sync", "--dry-run"],
  ["sync"],
  ["sync", "--json"],
  ["list", "--long"],
  ["list", "--json"],
  ["log"],
  ["log", "--json", "--limit", "1000"],
];
const failing = [
  ["status"],
  ["status", "--json"],
  ["sync"],
  ["sync", "--json"],
  ["list", "--json"],
  ["log", "--json"],
];

async function everyCommand(box: Sandbox, commands: string[][] = working): Promise<string[]> {
  const outputs: string[] = [];
  for (const argv of commands) {
    const result = await box.cli(...argv);
    outputs.push(result.stdout, result.stderr);
  }
  return outputs;
}

describe("planted secrets", () => {
  const s3Secret = "PLANTED+s3/secret=Value-7f3a";
  let dir: string;
  let s3: TestRemote;
  let sftp: TestRemote;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "wsync-secrets-"));
    s3 = await startS3Server(join(dir, "s3"));
    sftp = await startSftpServer(join(dir, "sftp"));
  });
  afterAll(async () => {
    await s3?.stop();
    await sftp?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("S3 keys: in no output or state file, working or failing", async () => {
    const config = structuredClone(s3.config) as { s3: Record<string, string> };
    config.s3.secretAccessKey = s3Secret;
    const box = await createSandbox(config);
    try {
      await writeFile(join(box.shared, "a.txt"), "a");
      const outputs = await everyCommand(box);
      expect(outputs.join("\n")).toContain("a.txt");
      // Now failing: a key the server does not know (refused at once).
      config.s3.accessKeyId = "PLANTEDKEYID77";
      await writeFile(box.configPath, JSON.stringify({ mode: "mailbox", ...config, retry: { attempts: 1 } }));
      const refused = await everyCommand(box, failing);
      expect(refused.join("\n")).toContain("credentials accepted");
      outputs.push(...refused);
      // And unreachable: the endpoint points at a closed port (status only: it tries once).
      config.s3.endpoint = "http://127.0.0.1:1";
      await writeFile(box.configPath, JSON.stringify({ mode: "mailbox", ...config, retry: { attempts: 1 } }));
      outputs.push(...(await everyCommand(box, [["status"], ["status", "--json"]])));
      expect(await leaksIn(box, outputs, [s3Secret, "PLANTEDKEYID77"])).toEqual([]);
      const conf = join(box.stateDir, "rclone.conf");
      expect((await stat(conf)).mode & 0o777).toBe(0o600);
      expect(await readFile(conf, "utf8")).toContain(s3Secret);
    } finally {
      await box.cleanup();
    }
  }, 180_000);

  it("custom options (an obscured password, a token): in no output or state file", async () => {
    const options = (sftp.config.custom as { rcloneOptions: Record<string, string> }).rcloneOptions;
    const wrong = (await run("rclone", ["obscure", "PLANTED-wrong-pass"], { env: testEnv() })).stdout.trim();
    const fakeToken = "PLANTED-bearer-token-c0ffee";
    for (const pass of [options.pass ?? "", wrong]) {
      const box = await createSandbox({
        provider: "custom",
        retry: { attempts: 1 },
        custom: { rcloneType: "sftp", rcloneOptions: { ...options, pass, key_file_pass: fakeToken } },
      });
      try {
        const outputs = await everyCommand(box, pass === wrong ? failing : working);
        expect(await leaksIn(box, outputs, [pass, fakeToken])).toEqual([]);
      } finally {
        await box.cleanup();
      }
    }
  }, 180_000);

  it("OAuth tokens and app secrets: status (offline), the refusals and authorize print none", async () => {
    const token = JSON.stringify({
      access_token: "sl.PLANTED-access-0a1b",
      token_type: "bearer",
      refresh_token: "PLANTED-refresh-2c3d",
      expiry: "2030-01-01T00:00:00Z",
    });
    const box = await createSandbox({
      provider: "dropbox",
      dropbox: { token, appKey: "PLANTEDappkey", appSecret: "PLANTED-app-secret-4e5f" },
    });
    try {
      const outputs: string[] = [];
      for (const argv of [
        ["status", "--offline"],
        ["status", "--offline", "--json"],
        ["log", "--json"],
      ]) {
        const result = await box.cli(...argv);
        outputs.push(result.stdout, result.stderr);
      }
      const bad = await box.cli("authorize", "--token", "PLANTED-not-a-token");
      outputs.push(bad.stdout, bad.stderr);
      const secrets = [
        "sl.PLANTED-access-0a1b",
        "PLANTED-refresh-2c3d",
        "PLANTED-app-secret-4e5f",
        "PLANTED-not-a-token",
      ];
      expect(await leaksIn(box, outputs, secrets)).toEqual([]);
    } finally {
      await box.cleanup();
    }
  }, 60_000);
});
