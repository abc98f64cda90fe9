import { chmod, rm } from "node:fs/promises";
// The CLI and the OpenClaw plugin entry, each bundled: Node resolves and loads a few files instead of ~300,
// so every `workspace-sync` call (hooks, timers, people) starts about twice as fast, and the plugin loads
// into the gateway without the project's node_modules layout.
import { build } from "esbuild";

const requireShim =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
// `@parcel/watcher-<platform>-<arch>[-libc]`, required by name at run time (a relative `.node` fallback too).
const watcherBinaries = ["@parcel/watcher-*", "*.node"];
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
  // Graphviz's WebAssembly (~1.5 MB of JS) goes to the viz chunk, parsed only when a chart is drawn; it is
  // no dependency (OpenClaw copies a plugin's folder and declared dependencies aside in every process).
  // The watcher's JavaScript is bundled; its native binary (one npm package per platform, an optional
  // dependency) is required from node_modules when the watcher starts.
  external: watcherBinaries,
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
  external: watcherBinaries,
  banner: { js: requireShim },
});
