import { chmod, rm } from "node:fs/promises";
// The CLI as one ES module: Node resolves and loads one file instead of ~300, so every
// `workspace-sync` call (hooks, timers, people) starts about twice as fast.
import { build } from "esbuild";

await rm("dist/chunks", { recursive: true, force: true }); // chunk names carry hashes: drop the old ones
await build({
  entryPoints: ["dist/src/cli/main.js"],
  // `viz` (and what only it uses) goes to a chunk loaded on use: other commands never parse it.
  outdir: "dist",
  entryNames: "workspace-sync",
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  splitting: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Graphviz's WebAssembly (~1.5 MB of JS) stays in node_modules, imported only when a chart is drawn.
  external: ["@viz-js/viz"],
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: "warning",
});
await chmod("dist/workspace-sync.mjs", 0o755);
