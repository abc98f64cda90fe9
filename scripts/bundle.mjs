import { chmod } from "node:fs/promises";
// The CLI and the OpenClaw plugin entry, each as one ES module: Node resolves and loads one file instead
// of ~300, so every `workspace-sync` call (hooks, timers, people) starts about twice as fast, and the
// plugin loads into the gateway without the project's node_modules layout.
import { build } from "esbuild";

const requireShim =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
const common = { bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "warning" };

await build({
  ...common,
  entryPoints: ["dist/src/cli/main.js"],
  outfile: "dist/workspace-sync.mjs",
  banner: { js: `#!/usr/bin/env node\n${requireShim}` },
});
await chmod("dist/workspace-sync.mjs", 0o755);

await build({
  ...common,
  entryPoints: ["dist/src/plugin/index.js"],
  outfile: "dist/plugin.mjs",
  banner: { js: requireShim },
});
