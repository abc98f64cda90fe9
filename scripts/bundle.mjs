import { chmod } from "node:fs/promises";
// The CLI as one ES module: Node resolves and loads one file instead of ~300, so every
// `workspace-sync` call (hooks, timers, people) starts about twice as fast.
import { build } from "esbuild";

await build({
  entryPoints: ["dist/src/cli/main.js"],
  outfile: "dist/workspace-sync.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Graphviz's WebAssembly (~1.5 MB of JS) stays in node_modules and is imported only by `viz`:
  // every other command starts as fast as before.
  external: ["@viz-js/viz"],
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: "warning",
});
await chmod("dist/workspace-sync.mjs", 0o755);
