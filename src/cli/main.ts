/** `workspace-sync`: the standalone CLI. */
import { runCli } from "./run.js";

process.exitCode = await runCli(process.argv.slice(2));
