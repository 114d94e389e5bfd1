import { checkStartupEnvironment } from "../src/check-startup-environment.js";

describe("checkStartupEnvironment", () => {
  test.each([
    ["production without WEBHOOK_SECRET", { NODE_ENV: "production" }, /WEBHOOK_SECRET is not set/],
    ["production with an empty WEBHOOK_SECRET", { NODE_ENV: "production", WEBHOOK_SECRET: "  " }, /WEBHOOK_SECRET is not set/],
    ["production with Probot's development default", { NODE_ENV: "production", WEBHOOK_SECRET: "development" }, /development default/],
    ["a bad DRIFT_SCAN_INTERVAL", { DRIFT_SCAN_INTERVAL: "six hours" }, /DRIFT_SCAN_INTERVAL "six hours" is not a duration/],
    ["a negative DRIFT_SCAN_INTERVAL", { DRIFT_SCAN_INTERVAL: "-1h" }, /DRIFT_SCAN_INTERVAL/],
    ["an unknown unit", { DRIFT_SCAN_INTERVAL: "6w" }, /DRIFT_SCAN_INTERVAL/],
    ["an app that cannot sign its records (no STATE_SECRET, a key file that is not there)", { APP_ID: "1", PRIVATE_KEY_PATH: "/nonexistent/key.pem" }, /records cannot be signed: set STATE_SECRET/],
  ])("%s: one problem", (_name, env, problem) => {
    const problems = checkStartupEnvironment(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
  });

  test.each([
    ["not production, no secret", {}],
    ["development with the development secret", { NODE_ENV: "development", WEBHOOK_SECRET: "development" }],
    ["test", { NODE_ENV: "test" }],
    ["production with a secret", { NODE_ENV: "production", WEBHOOK_SECRET: "s3cret" }],
    ["DRIFT_SCAN_INTERVAL 6h", { DRIFT_SCAN_INTERVAL: "6h" }],
    ["DRIFT_SCAN_INTERVAL 30m", { DRIFT_SCAN_INTERVAL: "30m" }],
    ["DRIFT_SCAN_INTERVAL 0 (off)", { DRIFT_SCAN_INTERVAL: "0" }],
    ["DRIFT_SCAN_INTERVAL 500ms", { DRIFT_SCAN_INTERVAL: "500ms" }],
    ["DRIFT_SCAN_INTERVAL empty (the default)", { DRIFT_SCAN_INTERVAL: "" }],
    ["an app with STATE_SECRET", { APP_ID: "1", STATE_SECRET: "s" }],
    ["no credentials yet (the setup page): nothing to sign", { STATE_SECRET: "" }],
    ["NOTIFY_WEBHOOK_URL https", { NOTIFY_WEBHOOK_URL: "https://hooks.slack.com/services/T/B/X" }],
    ["NOTIFY_WEBHOOK_URL http to localhost", { NOTIFY_WEBHOOK_URL: "http://127.0.0.1:8080/hook" }],
  ])("%s: no problem", (_name, env) => {
    expect(checkStartupEnvironment(env)).toEqual([]);
  });

  test("NOTIFY_WEBHOOK_URL over plain http to another host: refused (its path is a secret), the message holds no path", () => {
    const problems = checkStartupEnvironment({ NOTIFY_WEBHOOK_URL: "http://hooks.example.com/services/T/B/SECRET" });
    expect(problems).toEqual(["NOTIFY_WEBHOOK_URL must be https:// (or http:// to localhost), got http://hooks.example.com."]);
  });

  test("every problem is reported at once", () => {
    expect(checkStartupEnvironment({ NODE_ENV: "production", DRIFT_SCAN_INTERVAL: "soon" })).toHaveLength(2);
  });
});
