/**
 * The real Pipeline Guard, run as users run it: `node lib/main.js` (the server) and
 * `node lib/cli/main.js` (the command), as child processes, with a generated app identity and
 * GitHub Enterprise Server settings that point at the fake. Each child runs in an empty
 * temporary directory with a clean environment: Probot reads `.env` from its working directory
 * (and lets it override the environment), and a developer's `.env` holds real credentials.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { FakeGitHub } from "./fake-github.js";
import { createDelivery, sendDelivery, type Delivery, type DeliveryResult } from "./webhook-delivery.js";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SERVER_ENTRY = join(REPO_ROOT, "lib", "main.js");
const CLI_ENTRY = join(REPO_ROOT, "lib", "cli", "main.js");
const WEBHOOK_PATH = "/api/github/webhooks";

/** Bounds on every wait, generous for a loaded 2-core machine. */
const BUILD_TIMEOUT_MS = 120_000;
const SERVER_START_TIMEOUT_MS = 20_000;
const CLI_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

export interface AppIdentity {
  id: number;
  slug: string;
  name: string;
  owner: string;
  /** PKCS#1 PEM, as GitHub hands out an app's key. */
  privateKey: string;
  publicKey: string;
  webhookSecret: string;
}

export function createAppIdentity(params: { id?: number; slug?: string; owner?: string } = {}): AppIdentity {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return {
    id: params.id ?? 424242,
    slug: params.slug ?? "pipeline-guard",
    name: "Pipeline Guard",
    owner: params.owner ?? "acme",
    privateKey,
    publicKey,
    webhookSecret: randomBytes(20).toString("hex"),
  };
}

const children = new Set<ChildProcess>();

/** Kills every child still running (the tests' afterAll, and the demo's exit). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...children].map((child) => stopChild(child)));
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    children.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** Whether lib/ holds a build of every src/ file at least as new as the file. */
export function isBuildCurrent(): boolean {
  const src = join(REPO_ROOT, "src");
  const configs = ["tsconfig.json", "tsconfig.build.json"].map((f) => statSync(join(REPO_ROOT, f)).mtimeMs);
  if (!existsSync(SERVER_ENTRY) || statSync(SERVER_ENTRY).mtimeMs < Math.max(...configs)) return false;
  return filesUnder(src)
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
    .every((file) => {
      const built = join(REPO_ROOT, "lib", relative(src, file).replace(/\.ts$/, ".js"));
      return existsSync(built) && statSync(built).mtimeMs >= statSync(file).mtimeMs;
    });
}

/** `npm run build` (`tsc -p tsconfig.build.json`), unless lib/ is already current. */
export async function ensureBuilt(): Promise<void> {
  if (isBuildCurrent()) return;
  const tsc = join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
  const result = await runProcess(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? "" }, timeoutMs: BUILD_TIMEOUT_MS });
  if (result.code !== 0) throw new Error(`the build failed (tsc -p tsconfig.build.json, exit ${result.code}):\n${result.stdout}${result.stderr}`);
}

/** The environment of the server and the command: only what a deployment would set. */
function appEnvironment(identity: AppIdentity, fake: FakeGitHub, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    APP_ID: String(identity.id),
    PRIVATE_KEY: identity.privateKey,
    WEBHOOK_SECRET: identity.webhookSecret,
    GHE_HOST: fake.host,
    GHE_PROTOCOL: "http",
    LOG_FORMAT: "json",
    LOG_LEVEL: "info",
    DRIFT_SCAN_INTERVAL: "0",
    NODE_ENV: "production",
    ...extra,
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface AppServer {
  url: string;
  webhookUrl: string;
  /** The server's stdout and stderr lines (pino JSON), kept for a failing test's message. */
  logs: string[];
  /** The server's process: its pid for a signal, its exit code. */
  child: ChildProcess;
  /** Sends a signed delivery of an event, as GitHub would. */
  deliver(name: string, payload: unknown): Promise<DeliveryResult>;
  /** Sends a delivery made with `createDelivery`; sent again, it is GitHub's "Redeliver" (same id, same bytes). */
  send(delivery: Delivery): Promise<DeliveryResult>;
  /** Sends a delivery with a chosen signature header (null: none). */
  deliverSigned(name: string, payload: unknown, signature: string | null): Promise<DeliveryResult>;
  stop(): Promise<void>;
}

/** Starts `node lib/main.js` against the fake on a free port and waits for `/ping`. */
export async function startAppServer(params: { identity: AppIdentity; fake: FakeGitHub; env?: Record<string, string> }): Promise<AppServer> {
  let lastError: unknown;
  // A free port can be taken between the probe and the server's listen: try another.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startAppServerOnce(params, await freePort());
    } catch (error) {
      lastError = error;
      if (!String(error).includes("already in use")) break;
    }
  }
  throw lastError;
}

async function startAppServerOnce(params: { identity: AppIdentity; fake: FakeGitHub; env?: Record<string, string> }, port: number): Promise<AppServer> {
  const { identity, fake } = params;
  const cwd = mkdtempSync(join(tmpdir(), "pipeline-guard-e2e-"));
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    cwd,
    env: appEnvironment(identity, fake, { PORT: String(port), HOST: "127.0.0.1", ...params.env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  const logs: string[] = [];
  const keep = (chunk: Buffer) => logs.push(...chunk.toString().split("\n").filter(Boolean));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.once("exit", () => {
    children.delete(child);
    rmSync(cwd, { recursive: true, force: true });
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before answering /ping:\n${logs.join("\n")}`);
    try {
      const ping = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
      if (ping.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`the server did not answer /ping within ${SERVER_START_TIMEOUT_MS} ms:\n${logs.join("\n")}`);
    }
    await sleep(50);
  }

  const webhookUrl = `${url}${WEBHOOK_PATH}`;
  const secret = identity.webhookSecret;
  return {
    url,
    webhookUrl,
    logs,
    child,
    deliver: (name, payload) => sendDelivery(webhookUrl, createDelivery(name, payload), { secret }),
    send: (delivery) => sendDelivery(webhookUrl, delivery, { secret }),
    deliverSigned: (name, payload, signature) => sendDelivery(webhookUrl, createDelivery(name, payload), { secret, signature }),
    stop: () => stopChild(child),
  };
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runProcess(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${args.join(" ")} did not finish within ${options.timeoutMs} ms:\n${stdout}${stderr}`));
    }, options.timeoutMs);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `pipeline-guard ARGS` (`node lib/cli/main.js`), with the server's environment. */
export async function runCommand(params: { identity: AppIdentity; fake: FakeGitHub; args: string[] }): Promise<ProcessResult> {
  const cwd = mkdtempSync(join(tmpdir(), "pipeline-guard-e2e-"));
  try {
    return await runProcess(process.execPath, [CLI_ENTRY, ...params.args], { cwd, env: appEnvironment(params.identity, params.fake), timeoutMs: CLI_TIMEOUT_MS });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
