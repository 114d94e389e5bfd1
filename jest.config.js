/** @type {import('jest').Config} */
export default {
  preset: "ts-jest/presets/default-esm",
  testEnvironment: "node",
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
