/**
 * The layers of src/, top to bottom: a module may import its own layer and any layer below it, never one
 * above, and no two files (or folders) may import each other in a circle. `npm run check` runs this;
 * `scripts/architecture.ts` draws docs/architecture.md's graph from the same list. The order and why
 * each folder sits where it does: docs/architecture.md.
 */
const layers = [
  ["plugin", "^src/plugin/"],
  ["cli", "^src/cli/"],
  ["setup", "^src/setup/"],
  ["authorize", "^src/authorize/"],
  ["diagnose", "^src/diagnose/"],
  ["viz", "^src/viz/"],
  ["daemon", "^src/daemon/"],
  ["ipc", "^src/ipc/"],
  ["runtime", "^src/runtime/"],
  ["backup", "^src/backup/"],
  ["modes", "^src/modes/"],
  ["effects", "^src/effects/"],
  ["config", "^src/config/"],
  ["providers", "^src/providers/"],
  ["log", "^src/log/"],
  ["rclone", "^src/rclone/"],
  ["paths", "^src/paths\\.ts$"],
  ["version", "^src/version\\.ts$"],
  ["util", "^src/util/"],
  ["machines", "^machines/"],
];

const upward = layers.slice(1).map(([name, path], i) => ({
  name: `no-upward-from-${name}`,
  comment: `${name} may import only the layers below it (${layers
    .slice(i + 2)
    .map(([n]) => n)
    .join(", ")})`,
  severity: "error",
  from: { path },
  to: { path: layers.slice(0, i + 1).map(([, p]) => p) },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: "no-circular",
      comment: "no circle between files",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-unplaced-module",
      comment: "every folder of src/ has a place in the layers above",
      severity: "error",
      from: { path: "^src/", pathNot: layers.map(([, p]) => p) },
      to: {},
    },
    {
      name: "machines-are-pure",
      comment: "machines/ imports nothing of src/ (and no node: module)",
      severity: "error",
      from: { path: "^machines/" },
      to: { path: ["^src/", "^node:"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules)/" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};

// The layer list, for scripts/architecture.ts (not enumerable: dependency-cruiser validates its own keys).
Object.defineProperty(module.exports, "layers", { value: layers, enumerable: false });
