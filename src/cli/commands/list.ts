import { defineCommand } from "citty";
import { z } from "zod";
import { prepareRemote } from "../../effects/remote.js";
import { findRclone } from "../../rclone/binary.js";
import { exitCodesOnDemand } from "../../rclone/exit-codes.js";
import { runRclone } from "../../rclone/run.js";
import { parseJson } from "../../util/json.js";
import { bytes, failureLine } from "../../util/text.js";
import { localTime } from "../../util/time.js";
import { commonArgs, resolveScope } from "../context.js";
import { CliError } from "../errors.js";
import { createOutput } from "../output.js";

/** The fields of `rclone lsjson` this command prints. */
const listedFiles = z.array(
  z.object({ Path: z.string(), Size: z.number(), ModTime: z.string(), IsDir: z.boolean() }),
);

export const listCommand = defineCommand({
  meta: { name: "list", description: "List the files on the remote" },
  args: {
    ...commonArgs,
    long: { type: "boolean", description: "with sizes and times" },
    json: { type: "boolean", description: "print as JSON" },
  },
  async run({ args }) {
    const out = createOutput();
    const { loaded, stateDir } = await resolveScope(args, out);
    const binary = await findRclone();
    const remote = await prepareRemote(loaded.sync, stateDir, {
      rcloneBinary: binary,
      keyPrefix: loaded.syncPrefix,
    });
    const result = await runRclone({
      binary,
      args: ["lsjson", "-R", "--files-only", remote.remoteRoot],
      configPath: remote.configPath,
      timeoutMs: loaded.sync.timeout * 1000,
      redact: remote.redact,
      endpointKey: remote.endpointKey,
      // Its version says what exit 1 and 2 mean (1.69 swapped them): read only when lsjson ends with one.
      exitCodes: exitCodesOnDemand(binary, process.env),
      stdout: "text",
    });
    if (!result.ok && result.failure.kind === "not-found") {
      if (args.json) out.json([]);
      else out.line(`nothing on the remote yet: the first sync creates ${remote.remoteRoot}`);
      return;
    }
    if (!result.ok) throw new CliError(`list failed: ${failureLine(result.failure)}`);
    const files = parseJson(listedFiles, result.stdout || "[]").sort((a, b) => a.Path.localeCompare(b.Path));
    if (args.json) {
      out.json(files.map((f) => ({ path: f.Path, size: f.Size, modTime: f.ModTime })));
      return;
    }
    for (const f of files)
      out.line(args.long ? `${bytes(f.Size).padStart(10)}  ${localTime(f.ModTime)}  ${f.Path}` : f.Path);
    if (args.long) {
      const total = files.reduce((sum, f) => sum + f.Size, 0);
      out.line(`${files.length} files, ${bytes(total)} in ${remote.remoteRoot}`);
    }
  },
});
