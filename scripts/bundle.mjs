import { chmod, readFile, rm, writeFile } from "node:fs/promises";
// The CLI and the OpenClaw plugin entry, bundled together: Node resolves and loads a few files instead of
// ~300, so every `workspace-sync` call (hooks, timers, people) starts about twice as fast, and the plugin
// loads into the gateway without the project's node_modules layout. One build shares its chunks between the
// two entries: OpenClaw copies (and hashes) the plugin's whole folder twice in every `openclaw` process, so
// each file and byte shipped once instead of twice counts.
import { build } from "esbuild";

const requireShim =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

await rm("dist/chunks", { recursive: true, force: true }); // chunk names carry hashes: drop the old ones
await build({
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
  // The plugin entry parses only what registration and the common commands need (OpenClaw imports it in
  // every `openclaw` process); `viz`, `backup`, `setup`, `authorize` (prompts, age, tar, Graphviz) load from
  // chunks when used, in the CLI too.
  entryPoints: { "workspace-sync": "dist/src/cli/main.js", plugin: "dist/src/plugin/index.js" },
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  splitting: true,
  // Graphviz's WebAssembly (~1.5 MB of JS) goes to the viz chunk, parsed only when a chart is drawn; it is
  // no dependency (OpenClaw copies a plugin's folder and declared dependencies aside in every process).
  // The watcher's JavaScript is bundled; its native binary (one npm package per platform, an optional
  // dependency, `@parcel/watcher-<platform>-<arch>[-libc]`, or a relative `.node`) is required by name from
  // node_modules when the watcher starts.
  external: ["@parcel/watcher-*", "*.node"],
  banner: { js: requireShim },
});
const cli = "dist/workspace-sync.mjs";
await writeFile(cli, `#!/usr/bin/env node\n${await readFile(cli, "utf8")}`);
await chmod(cli, 0o755);
