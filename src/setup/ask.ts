/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` is the config's environment reference, shown to people */
/** The questions, each asked only when its answer did not come as a flag. */
import { isAbsolute } from "node:path";
import { hasControlCharacter, type ProviderName } from "../providers/blocks.js";
import { runnable } from "../util/command.js";
import { messageOf } from "../util/errors.js";
import { type Answers, modeChoices, oauthProviders } from "./answers.js";
import type { Choice, Prompter } from "./prompter.js";

const providerChoices: readonly Choice<ProviderName>[] = [
  { value: "dropbox", label: "Dropbox", hint: "OAuth; an App-folder app keeps the tool to one folder" },
  { value: "gdrive", label: "Google Drive", hint: "OAuth" },
  { value: "onedrive", label: "OneDrive", hint: "OAuth" },
  { value: "s3", label: "S3-compatible", hint: "AWS, Cloudflare R2, MinIO, ...: a bucket and keys" },
  { value: "custom", label: "Any rclone backend", hint: "SFTP, WebDAV, B2, ...: type and options" },
  { value: "local", label: "A local folder", hint: "to try it out, or a NAS mount" },
];

const oneLine = (value: string) => (hasControlCharacter(value) ? "one line, please" : undefined);

function absoluteDir(value: string): string | undefined {
  if (value.trim() === "") return "a folder is needed";
  return isAbsolute(value) ? oneLine(value) : "an absolute path, such as /srv/cloud";
}

function remotePathCheck(allowRoot: boolean) {
  return (value: string): string | undefined => {
    const trimmed = value.replace(/^\/+|\/+$/g, "");
    if (trimmed === "" && !allowRoot)
      return "a folder name: syncing to the remote's root could delete unrelated files";
    if (trimmed.split("/").includes("..")) return "no `..` in the path";
    return oneLine(value);
  };
}

function seconds(value: string): string | undefined {
  return /^\d+$/.test(value.trim()) ? undefined : "a whole number of seconds (0 = no timer)";
}

/** `key=value, key=value` into rclone options. */
export function parseOptions(text: string): Record<string, string> {
  const options: Record<string, string> = {};
  for (const part of text.split(",")) {
    const at = part.indexOf("=");
    if (part.trim() === "") continue;
    if (at <= 0) throw new Error(`"${part.trim()}" is not key=value`);
    options[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return options;
}

async function askProviderDetails(a: Answers, p: Prompter): Promise<void> {
  if (a.provider === "local" && a.localDir === undefined) {
    a.localDir = await p.text("Folder that acts as the cloud", {
      placeholder: "/srv/cloud",
      check: absoluteDir,
    });
  }
  if (a.provider === "s3") {
    const s3 = { ...a.s3 };
    s3.bucket ??= await p.text("Bucket", {
      check: (v) => (v.trim().length >= 3 ? oneLine(v) : "3 or more characters"),
    });
    s3.endpoint ??= await p.text("Endpoint URL (empty for AWS)", {
      placeholder: "https://<account>.r2.cloudflarestorage.com",
    });
    s3.region ??= await p.text("Region (empty for the default)", { placeholder: "us-east-1" });
    if (s3.accessKeyId === undefined) {
      s3.accessKeyId = await p.text(
        "Access key ID (empty: rclone reads AWS_* variables or the instance role)",
        {
          check: oneLine,
        },
      );
      if (s3.accessKeyId !== "" && s3.secretAccessKey === undefined) {
        s3.secretAccessKey = await p.secret(
          "Secret access key (hidden; or ${AWS_SECRET_ACCESS_KEY} to read it at run time)",
        );
      }
    }
    a.s3 = s3;
  }
  if (a.provider === "dropbox" && a.dropbox?.appFolder === undefined) {
    const appFolder = await p.confirm(
      "Use your own App-folder Dropbox app? (safer: the tool sees only Apps/<app>; you need its app key and secret)",
      false,
    );
    a.dropbox = { ...a.dropbox, appFolder };
    if (appFolder) {
      a.dropbox.appKey ??= await p.text("App key", { check: oneLine });
      a.dropbox.appSecret ??= await p.secret("App secret (hidden)", oneLine);
    }
  }
  if (a.provider === "custom") {
    const custom = { ...a.custom };
    custom.rcloneType ??= await p.text("rclone backend type", {
      placeholder: "sftp",
      check: (v) => (/^[a-z0-9]+$/.test(v) ? undefined : "an rclone backend name such as sftp, webdav or b2"),
    });
    if (custom.rcloneOptions === undefined) {
      const text = await p.text(
        "Its options, as key=value separated by commas (passwords: `rclone obscure` them)",
        {
          placeholder: "host=example.com, user=me, key_file=/home/me/.ssh/id_ed25519",
          check: (v) => {
            try {
              parseOptions(v);
              return oneLine(v);
            } catch (error) {
              return messageOf(error);
            }
          },
        },
      );
      custom.rcloneOptions = parseOptions(text);
    }
    a.custom = custom;
  }
}

/** Which folder of the workspace to sync: the whole workspace, `shared` (the default), or another one. */
async function askLocalPath(p: Prompter): Promise<string> {
  const which = await p.select(
    "Which folder of the workspace should sync?",
    [
      { value: "shared", label: "shared", hint: "the workspace's shared/ folder (the default)" },
      {
        value: "whole",
        label: "The whole workspace",
        hint: "everything the agent has, except the tool's own .workspace-sync/",
      },
      { value: "other", label: "Another folder", hint: "a folder inside the workspace" },
    ] as const,
    "shared",
  );
  if (which === "whole") return "";
  if (which === "shared") return "shared";
  return p.text("Folder, relative to the workspace", {
    placeholder: "projects/site",
    check: (v) => {
      const trimmed = v.trim();
      if (trimmed === "") return "a folder name (or choose the whole workspace)";
      if (isAbsolute(trimmed)) return "relative to the workspace, such as projects/site";
      if (trimmed.split(/[\\/]/).includes("..")) return "no `..`: the folder must be inside the workspace";
      return oneLine(v);
    },
  });
}

/** Fills every missing answer by asking. */
export async function askMissing(a: Answers, p: Prompter): Promise<void> {
  a.provider ??= await p.select("Where should the workspace sync to?", providerChoices, "dropbox");
  await askProviderDetails(a, p);
  if (a.mode === undefined) {
    a.mode = await p.select(
      "Sync mode",
      modeChoices.map((m) => ({ value: m.value, label: m.label, hint: m.hint })),
      "mailbox",
    );
  }
  const mode = modeChoices.find((m) => m.value === a.mode);
  if (mode) p.note(mode.firstSync, `What the first ${mode.value} sync will do`);
  const appFolder = a.provider === "dropbox" && a.dropbox?.appFolder === true;
  a.localPath ??= await askLocalPath(p);
  a.remotePath ??= await p.text("Folder on the remote", {
    initial: appFolder ? "" : "openclaw-share",
    check: remotePathCheck(appFolder),
  });
  if (a.interval === undefined) {
    a.interval = Number(
      await p.text("Sync every how many seconds in the background? (0 = only when asked)", {
        initial: "0",
        check: seconds,
      }),
    );
  }
  a.onSessionStart ??= await p.confirm("Sync when an agent session starts?", true);
  a.onSessionEnd ??= await p.confirm("Sync when an agent session ends?", false);
  if (a.provider && oauthProviders.includes(a.provider) && a.auth === undefined) {
    a.auth = await p.select(
      "Credentials",
      [
        {
          value: "browser",
          label: "Authorize now",
          hint: "rclone shows a link; works over ssh with a tunnel",
        },
        {
          value: "paste",
          label: "Paste a token",
          hint: "from `rclone authorize` on a machine with a browser",
        },
        { value: "later", label: "Later", hint: `run \`${runnable("authorize")}\` before the first sync` },
      ] as const,
      "browser",
    );
  }
  if (a.auth === "paste" && a.token === undefined) {
    a.token = await p.secret("Token JSON (hidden)", (v) =>
      v.includes("access_token") ? undefined : "the JSON with access_token",
    );
  }
}
