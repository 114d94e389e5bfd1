/** @type {import('jest').Config} */
export default {
  preset: "ts-jest/presets/default-esm",
  testEnvironment: "node",
  // A hang detector, not a speed bound: the zip-bomb and plan tests deflate 50 MB, which on a
  // shared 2-CPU CI machine under load took more than jest's default 5 s.
  testTimeout: 20_000,
  roots: ["<rootDir>/test"],
  setupFiles: ["<rootDir>/test/setup-env.js"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, tsconfig: "tsconfig.json" }],
  },
  collectCoverageFrom: ["src/**/*.ts", "!src/main.ts", "!src/cli/main.ts"],
  reporters: ["default", "<rootDir>/scripts/plain-summary-reporter.cjs"],
  coverageProvider: "v8",
  coverageReporters: ["text-summary", "lcov"],
  coverageThreshold: { global: { lines: 95, branches: 85, functions: 95 } },
};
