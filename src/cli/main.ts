/** `workspace-sync`: the standalone CLI. */
import { runCliInterruptible } from "./interrupt.js";

process.exitCode = await runCliInterruptible(process.argv.slice(2));
