import { chmod, rm } from "node:fs/promises";
// The CLI and the OpenClaw plugin entry, each bundled: Node resolves and loads a few files instead of ~300,
// so every `workspace-sync` call (hooks, timers, people) starts about twice as fast, and the plugin loads
// into the gateway without the project's node_modules layout.
import { build } from "esbuild";

const requireShim =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
const common = { bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "warning" };

await rm("dist/chunks", { recursive: true, force: true }); // chunk names carry hashes: drop the old ones
await build({
  ...common,
  entryPoints: ["dist/src/cli/main.js"],
  // `viz` (and what only it uses) goes to a chunk loaded on use: other commands never parse it.
  outdir: "dist",
  entryNames: "workspace-sync",
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  splitting: true,
  // Graphviz's WebAssembly (~1.5 MB of JS) stays in node_modules, imported only when a chart is drawn.
  // The watcher's native binary (one npm package per platform) is loaded from node_modules, on use.
  external: ["@viz-js/viz", "@parcel/watcher"],
  banner: { js: `#!/usr/bin/env node\n${requireShim}` },
});
await chmod("dist/workspace-sync.mjs", 0o755);

// The plugin entry, split the same way: OpenClaw imports it in every `openclaw` process (and registers it
// several times), so it parses only what registration and the common commands need; `viz`, `backup`,
// `setup`, `authorize` (prompts, age, tar, Graphviz) load from chunks when used.
await build({
  ...common,
  entryPoints: ["dist/src/plugin/index.js"],
  outdir: "dist",
  entryNames: "plugin",
  chunkNames: "chunks/plugin-[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  splitting: true,
  external: ["@parcel/watcher"],
  banner: { js: requireShim },
});
