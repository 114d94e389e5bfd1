import { jest } from "@jest/globals";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { defaultInfrastructure } from "../../src/infrastructure/current-infrastructure.js";
import { deliveryGuard } from "../../src/infrastructure/guard-delivery.js";
import { healthRoutes } from "../../src/infrastructure/health-routes.js";
import type { Infrastructure } from "../../src/infrastructure/infrastructure.js";
import { instrumentOctokit, SECONDARY_RATE_LIMIT_RETRIES, type Instrumentable } from "../../src/infrastructure/instrument-octokit.js";
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, Lifecycle, parseShutdownTimeout, ShuttingDownError } from "../../src/infrastructure/lifecycle.js";
import { createMetrics, currentMetrics } from "../../src/infrastructure/metrics.js";
import { serveReplica, SHUTDOWN_HANDLER } from "../../src/infrastructure/serve-replica.js";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log = () => ({ info: jest.fn(), warn: jest.fn(), error: jest.fn() });

/** A client whose `request` answers from a list, with Octokit's `hook.wrap`. */
function fakeClient(answers: Array<{ status: number; headers?: Record<string, string>; message?: string }>) {
  let wrapper: ((request: (o: object) => Promise<object>, options: object) => Promise<object>) | undefined;
  const calls: object[] = [];
  const client: Instrumentable = { hook: { wrap: (_name, w) => void (wrapper = w as never) } };
  const request = async (options: object) => {
    calls.push(options);
    const answer = answers.shift()!;
    if (answer.status >= 400) throw Object.assign(new Error(answer.message ?? "error"), { status: answer.status, response: { status: answer.status, headers: answer.headers ?? {} } });
    return { status: answer.status, headers: answer.headers ?? {} };
  };
  return { client, calls, send: (options: object) => wrapper!(request, options) };
}

describe("instrumentOctokit", () => {
  test("counts calls by method, route template and status, keeps the rate limit remaining per installation", async () => {
    const metrics = createMetrics();
    const fake = fakeClient([{ status: 200, headers: { "x-ratelimit-remaining": "4999" } }, { status: 404 }]);
    instrumentOctokit(fake.client, { metrics, installation: "5", log: log() });
    await fake.send({ method: "GET", url: "/repos/{owner}/{repo}/issues" });
    await expect(fake.send({ method: "POST", url: "/repos/{owner}/{repo}/labels" })).rejects.toMatchObject({ status: 404 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('pipeline_guard_github_requests_total{method="GET",route="/repos/{owner}/{repo}/issues",status="200"} 1');
    expect(text).toContain('pipeline_guard_github_requests_total{method="POST",route="/repos/{owner}/{repo}/labels",status="404"} 1');
    expect(text).toContain('pipeline_guard_rate_limit_remaining{installation="5"} 4999');
  });

  test("a secondary rate limit is waited out (retry-after) and retried, a bounded number of times", async () => {
    const waits: number[] = [];
    const sleepFor = async (ms: number) => void waits.push(ms);
    const limited = { status: 403, headers: { "retry-after": "2", "x-ratelimit-remaining": "100" }, message: "You have exceeded a secondary rate limit" };
    const fake = fakeClient([limited, { status: 201 }]);
    const warn = log();
    instrumentOctokit(fake.client, { installation: "5", log: warn, sleep: sleepFor });
    await expect(fake.send({ method: "POST", url: "/repos/{owner}/{repo}/check-runs" })).resolves.toMatchObject({ status: 201 });
    expect(waits).toEqual([2000]);
    expect(warn.warn).toHaveBeenCalledWith({ method: "POST", route: "/repos/{owner}/{repo}/check-runs", retry: 1, waitSeconds: 2 }, "secondary rate limit: waiting, then retrying");

    const always = fakeClient(Array.from({ length: SECONDARY_RATE_LIMIT_RETRIES + 1 }, () => ({ status: 429, message: "secondary rate limit" })));
    instrumentOctokit(always.client, { installation: "5", log: log(), sleep: sleepFor });
    await expect(always.send({ method: "POST", url: "/x" })).rejects.toMatchObject({ status: 429 });
    expect(always.calls).toHaveLength(SECONDARY_RATE_LIMIT_RETRIES + 1);
    // Without retry-after: GitHub's minute.
    expect(waits.slice(1)).toEqual([60_000, 60_000, 60_000]);
  });

  test("a primary rate limit, a plain 403, or a wait longer than two minutes is not retried here; a client is instrumented once", async () => {
    const sleepFor = jest.fn(async () => undefined);
    const answers: Array<{ status: number; headers?: Record<string, string>; message?: string }> = [
      { status: 403, headers: { "x-ratelimit-remaining": "0", "retry-after": "5" }, message: "API rate limit exceeded" },
      { status: 403, message: "Resource not accessible by integration" },
      { status: 403, headers: { "retry-after": "600" }, message: "secondary rate limit" },
    ];
    for (const answer of answers) {
      const fake = fakeClient([answer]);
      instrumentOctokit(fake.client, { installation: "1", log: log(), sleep: sleepFor });
      await expect(fake.send({ method: "GET", url: "/x" })).rejects.toMatchObject({ status: 403 });
    }
    expect(sleepFor).not.toHaveBeenCalled();
    const wraps = jest.fn();
    const client = { hook: { wrap: wraps } };
    instrumentOctokit(client, { installation: "1", log: log() });
    instrumentOctokit(client, { installation: "1", log: log() });
    expect(wraps).toHaveBeenCalledTimes(1);
    expect(instrumentOctokit({}, { installation: "1", log: log() })).toEqual({});
  });
});

describe("Lifecycle and SHUTDOWN_TIMEOUT", () => {
  test.each([[undefined, DEFAULT_SHUTDOWN_TIMEOUT_MS], ["10s", 10_000], ["500ms", 500], ["1m", 60_000], ["750", 750]])("%j is %d ms", (text, ms) => {
    expect(parseShutdownTimeout(text)).toBe(ms);
  });
  test("a value that is not a duration is refused", () => {
    expect(() => parseShutdownTimeout("soon")).toThrow('SHUTDOWN_TIMEOUT "soon"');
  });

  test("drain waits for in-flight work, refuses new work, and gives up at the deadline", async () => {
    const lifecycle = new Lifecycle();
    const quick = lifecycle.track(() => sleep(50));
    // Held until the test lets it go: a 5 s timer here outlived the tests and kept jest from exiting.
    let release = () => undefined as void;
    const slow = lifecycle.track(() => new Promise<void>((resolve) => (release = resolve)));
    expect(lifecycle.running).toBe(2);
    const drained = lifecycle.drain(300);
    expect(lifecycle.shuttingDown).toBe(true);
    await expect(lifecycle.track(async () => 1)).rejects.toBeInstanceOf(ShuttingDownError);
    await quick;
    expect(await drained).toBe(false);
    expect(lifecycle.running).toBe(1);
    release();
    await slow;
    expect(lifecycle.running).toBe(0);
    const idle = new Lifecycle();
    expect(await idle.drain(1000)).toBe(true);
  });
});

describe("the delivery guard's metrics and shutdown", () => {
  const contextOf = (id: string, action = "closed") => ({ id, name: "pull_request", payload: { action, installation: { id: 7 } }, octokit: {}, log: log() });

  test("deliveries by event and outcome, the handler's duration; the metrics are the current ones inside the handler", async () => {
    const metrics = createMetrics();
    const lifecycle = new Lifecycle();
    const guard = deliveryGuard(defaultInfrastructure(), { lifecycle, metrics });
    const seen: unknown[] = [];
    await guard(async () => void seen.push(currentMetrics()))(contextOf("a"));
    await expect(guard(async () => Promise.reject(new Error("502")))(contextOf("b"))).rejects.toThrow("502");
    expect(seen).toEqual([metrics]);
    await lifecycle.drain(10);
    await expect(guard(async () => undefined)(contextOf("c", "opened"))).rejects.toBeInstanceOf(ShuttingDownError);
    const text = await metrics.registry.metrics();
    expect(text).toContain('pipeline_guard_deliveries_total{event="pull_request.closed",outcome="handled"} 1');
    expect(text).toContain('pipeline_guard_deliveries_total{event="pull_request.closed",outcome="failed"} 1');
    expect(text).toContain('pipeline_guard_deliveries_total{event="pull_request.opened",outcome="refused"} 1');
    expect(text).toContain('pipeline_guard_handler_duration_seconds_count{event="pull_request.closed"} 2');
  });
});

describe("/healthz, /readyz, /metrics", () => {
  let server: Server;
  let url: string;
  let ready: { jwt: boolean; redis: boolean };
  const lifecycle = new Lifecycle();
  const metrics = createMetrics({ scanJobCounts: async () => ({ waiting: 3, active: 1, failed: 2 }) });

  beforeAll(async () => {
    ready = { jwt: true, redis: true };
    const infrastructure = { ...defaultInfrastructure(), ping: async () => ready.redis } as Infrastructure;
    const handler = healthRoutes({
      lifecycle,
      infrastructure,
      metrics,
      signJwt: async () => {
        if (!ready.jwt) throw new Error("secretOrPrivateKey must be an asymmetric key -----BEGIN RSA PRIVATE KEY----- abc");
        return "jwt";
      },
    });
    server = createServer((req, res) => {
      void handler(req, res).then((handled) => {
        if (!handled) res.writeHead(404).end("not ours");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = async (path: string, method = "GET") => {
    const response = await fetch(`${url}${path}`, { method });
    return { status: response.status, text: await response.text(), type: response.headers.get("content-type") };
  };

  test("healthz answers 200 while the process runs; other paths and methods are not ours", async () => {
    expect(await get("/healthz")).toMatchObject({ status: 200, text: "ok\n" });
    expect(await get("/nope")).toMatchObject({ status: 404, text: "not ours" });
    expect(await get("/healthz", "POST")).toMatchObject({ status: 404 });
  });

  test("readyz: 200 when the credentials sign a JWT and Redis answers; 503 with the reason otherwise (no key material)", async () => {
    expect(await get("/readyz?verbose")).toMatchObject({ status: 200, text: "ready\n" });
    ready.jwt = false;
    const refused = await get("/readyz");
    expect(refused).toMatchObject({ status: 503, text: "the app's credentials cannot sign a JWT\n" });
    ready.jwt = true;
    ready.redis = false;
    expect(await get("/readyz")).toMatchObject({ status: 503, text: "Redis does not answer\n" });
    ready.redis = true;
  });

  test("metrics: Prometheus text with the app's metrics and the scan jobs by state", async () => {
    metrics.recordsCreated.inc({ kind: "follow-up" });
    const { status, text, type } = await get("/metrics");
    expect(status).toBe(200);
    expect(type).toContain("text/plain");
    expect(text).toContain('pipeline_guard_scan_jobs{state="waiting"} 3');
    expect(text).toContain('pipeline_guard_scan_jobs{state="failed"} 2');
    expect(text).toContain('pipeline_guard_records_created_total{kind="follow-up"} 1');
    for (const name of ["pipeline_guard_deliveries_total", "pipeline_guard_handler_duration_seconds", "pipeline_guard_github_requests_total", "pipeline_guard_rate_limit_remaining", "pipeline_guard_scan_duration_seconds"]) {
      expect(text).toContain(`# TYPE ${name}`);
    }
  });

  test("readyz answers 503 once shutting down", async () => {
    await lifecycle.drain(10);
    expect(await get("/readyz")).toMatchObject({ status: 503, text: "shutting down\n" });
  });
});

describe("serveReplica", () => {
  test("adds the routes and, on SIGTERM, drains, closes the infrastructure and exits 0; signals handled once", async () => {
    const lifecycle = new Lifecycle();
    const close = jest.fn(async () => undefined);
    const infrastructure = { ...defaultInfrastructure(), close } as Infrastructure;
    const addHandler = jest.fn();
    const exit = jest.fn();
    const app = { auth: jest.fn(async () => ({ auth: async () => ({ token: "jwt" }) })), log: log() };
    const before = process.listeners("SIGTERM").length;
    expect(serveReplica({ app: app as never, addHandler: () => { throw new Error("No server instance"); }, lifecycle, infrastructure, metrics: createMetrics(), timeoutMs: 1000, exit })).toBeNull();
    const metrics = createMetrics();
    const { shutdown } = serveReplica({ app: app as never, addHandler, lifecycle, infrastructure, metrics, timeoutMs: 1000, exit })!;
    expect(await metrics.registry.metrics()).toContain("# TYPE pipeline_guard_process_resident_memory_bytes");
    expect(addHandler).toHaveBeenCalledTimes(1);
    const ours = process.listeners("SIGTERM").slice(before);
    expect(ours).toHaveLength(1);
    expect(SHUTDOWN_HANDLER in ours[0]!).toBe(true);
    const work = lifecycle.track(() => sleep(100));
    await Promise.all([shutdown("SIGTERM"), shutdown("SIGTERM")]);
    await work;
    expect(close).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(0);
    expect(exit).toHaveBeenCalledTimes(1);
    for (const signal of ["SIGTERM", "SIGINT"] as const) for (const l of process.listeners(signal)) if (SHUTDOWN_HANDLER in l) process.off(signal, l);
  });
});
