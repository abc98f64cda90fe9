import { defineConfig } from "vitest/config";

// The real OpenClaw host (Node 24 + openclaw from the npm registry): `npm run test:openclaw`.
export default defineConfig({
  test: {
    include: ["test/openclaw/**/*.e2e.ts"],
    testTimeout: 600_000,
    hookTimeout: 300_000,
    pool: "forks",
  },
});
