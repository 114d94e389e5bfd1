/**
 * A small, stateful fake of GitHub's REST and GraphQL APIs on 127.0.0.1, written for Pipeline
 * Guard's end-to-end tests and demo. It serves what a GitHub Enterprise Server would at
 * `GHE_HOST=127.0.0.1:PORT` with `GHE_PROTOCOL=http`: REST under `/api/v3`, GraphQL at
 * `/api/graphql`. It checks the app's JWT (RS256, against the app's public key) and the
 * installation tokens it issued, records every request, and can answer a seeded share of
 * requests with 502 to prove that the app's retries hold.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createPublicKey, randomBytes, verify, type KeyObject } from "node:crypto";
import { answerGraphql } from "./fake-graphql.js";
import { graphqlPoints } from "./graphql-points.js";
import { error, notFound, type FakeResponse } from "./fake-responses.js";
import { BLOB_ROUTE, REST_ROUTES, type Route, type RouteContext } from "./fake-rest-routes.js";
import { GitHubShapes } from "./fake-shapes.js";
import { GitHubState, type FakeApp, type FakeInstallation, type FakeRepository } from "./fake-state.js";
import { seededRandom } from "./seeded-random.js";

export interface RecordedRequest {
  /** Arrival order, from 1. */
  seq: number;
  method: string;
  /** The path under the API root (`/api/v3` taken off; `/graphql` for GraphQL), still URL-encoded. */
  path: string;
  query: Record<string, string>;
  /** The route template that answered (`GET /repos/{owner}/{repo}/issues`), or `unhandled`. */
  route: string;
  body: unknown;
  status: number;
  /** Answered 502 on purpose (chaos), without touching the state. */
  injected: boolean;
  /** The GraphQL operation name, for `POST /graphql`. */
  operation?: string;
  /**
   * Rate-limit points charged: 1 per REST call, GitHub's formula for a GraphQL query
   * (test/e2e/graphql-points.ts), 0 for the installation token and for chaos answers.
   */
  points: number;
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

const API_PREFIX = "/api/v3";
const GRAPHQL_PATH = "/api/graphql";
/** An installation token lives an hour on GitHub. */
const TOKEN_LIFETIME_MS = 3_600_000;
/** What an installation may spend an hour, on REST (`core`) and on GraphQL alike. */
export const RATE_LIMIT_PER_HOUR = 5000;

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.template
    .split(/(\{[a-z_]+\})/)
    .map((part) => {
      const name = /^\{([a-z_]+)\}$/.exec(part)?.[1];
      if (!name) return part.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
      names.push(name);
      return name === "path" ? "(.+)" : "([^/]+)";
    })
    .join("");
  return { route, pattern: new RegExp(`^${source}$`), names };
}

const COMPILED = REST_ROUTES.map(compile);
const COMPILED_BLOB = compile(BLOB_ROUTE);

/** The writes that change what a person sees: not the token exchange, not GraphQL reads. */
export function isWrite(request: Pick<RecordedRequest, "method" | "route">): boolean {
  if (["GET", "HEAD"].includes(request.method) || request.route === "injected") return false;
  return !request.route.endsWith("/access_tokens") && request.route !== "POST /graphql";
}

export class FakeGitHub {
  readonly state: GitHubState;
  readonly requests: RecordedRequest[] = [];
  private readonly tokens = new Map<string, { installation: FakeInstallation; expires: number }>();
  /** Points used per installation and resource (`core`, `graphql`) in the current hour. */
  private readonly used = new Map<string, { points: number; resetAt: number }>();
  private readonly publicKey: KeyObject;
  private chaos: { random: () => number; rate: number; failedLast: Set<string> } | null = null;
  private shapesCache: GitHubShapes | null = null;
  private server: Server | null = null;

  private constructor(params: { app: FakeApp; publicKey: string; epoch: Date }) {
    this.state = new GitHubState({ app: params.app, epoch: params.epoch });
    this.publicKey = createPublicKey(params.publicKey);
  }

  /** Starts the fake on 127.0.0.1 on a free port. */
  static async start(params: { app: FakeApp; publicKey: string; epoch?: Date }): Promise<FakeGitHub> {
    const fake = new FakeGitHub({ ...params, epoch: params.epoch ?? new Date() });
    const server = createServer((req, res) => {
      fake.handle(req, res).catch((err: unknown) => {
        res.writeHead(500, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify({ message: `fake GitHub failed: ${String(err)}` }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    fake.server = server;
    fake.shapesCache = new GitHubShapes(fake.state, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake;
  }

  get shapes(): GitHubShapes {
    if (!this.shapesCache) throw new Error("fake GitHub is not started");
    return this.shapesCache;
  }

  /** `GHE_HOST` for the app: `127.0.0.1:PORT`. */
  get host(): string {
    return new URL(this.shapes.origin).host;
  }

  get origin(): string {
    return this.shapes.origin;
  }

  /**
   * Answers `rate` of the requests with 502 Bad Gateway before they reach the state, chosen by
   * a PRNG seeded with `seed`; never the same request (method, URL, body) twice in a row, so
   * that a client that retries gets through. `rate: 0` turns it off.
   */
  setChaos(params: { rate: number; seed: number }): void {
    this.chaos = params.rate > 0 ? { random: seededRandom(params.seed), rate: params.rate, failedLast: new Set() } : null;
  }

  /** The requests that changed what a person sees (see `isWrite`), optionally from the `since`-th request on. */
  writes(since = 0): RecordedRequest[] {
    return this.requests.slice(since).filter(isWrite);
  }

  unhandled(): RecordedRequest[] {
    return this.requests.filter((r) => r.route === "unhandled");
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  repository(fullName: string): FakeRepository {
    return this.state.mustRepository(fullName);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", this.origin);
    const method = (req.method ?? "GET").toUpperCase();
    let body: unknown = undefined;
    if (raw !== "") {
      try {
        body = JSON.parse(raw) as unknown;
      } catch {
        body = raw;
      }
    }
    const apiPath = url.pathname === GRAPHQL_PATH ? "/graphql" : url.pathname.startsWith(`${API_PREFIX}/`) || url.pathname === API_PREFIX ? url.pathname.slice(API_PREFIX.length) || "/" : url.pathname;
    const record: RecordedRequest = {
      seq: this.requests.length + 1,
      method,
      path: apiPath,
      query: Object.fromEntries(url.searchParams),
      route: "unhandled",
      body,
      status: 0,
      injected: false,
      points: 0,
    };
    this.requests.push(record);

    const key = `${method} ${req.url ?? ""} ${raw}`;
    if (this.chaos) {
      const failedLast = this.chaos.failedLast.delete(key);
      if (!failedLast && this.chaos.random() < this.chaos.rate) {
        this.chaos.failedLast.add(key);
        record.injected = true;
        record.route = "injected";
        this.send(res, record, { status: 502, body: { message: "Server Error", documentation_url: "https://docs.github.com/rest" } });
        return;
      }
    }

    const response = this.answer({ req, url, method, apiPath, body, record });
    this.send(res, record, response);
  }

  private answer(params: { req: IncomingMessage; url: URL; method: string; apiPath: string; body: unknown; record: RecordedRequest }): FakeResponse {
    const { req, url, method, apiPath, body, record } = params;
    if (apiPath === "/graphql" && method === "POST") {
      record.route = "POST /graphql";
      const installation = this.installationOf(req);
      if (!installation) return error(401, "Bad credentials", "/graphql");
      const request = (body ?? {}) as { query?: string; variables?: Record<string, unknown> };
      record.operation = /query (\w+)/.exec(request.query ?? "")?.[1];
      record.points = graphqlPoints(request.query ?? "", request.variables ?? {});
      this.charge(installation, "graphql", record.points, record);
      const answer = answerGraphql(this.state, { query: request.query ?? "", variables: request.variables ?? {} }, (repo) => installation.repositories.has(repo.fullName.toLowerCase()));
      if (!answer.known) record.route = "unhandled";
      return { status: 200, body: answer.body };
    }
    const blob = COMPILED_BLOB.pattern.exec(url.pathname);
    if (blob && method === "GET") {
      record.route = `GET ${BLOB_ROUTE.template}`;
      return this.run(COMPILED_BLOB, blob, { req, url, method, body, record, installation: null });
    }
    if (!url.pathname.startsWith(API_PREFIX)) return notFound();

    for (const compiled of COMPILED) {
      if (compiled.route.method !== method) continue;
      const match = compiled.pattern.exec(apiPath);
      if (!match) continue;
      record.route = `${method} ${compiled.route.template}`;
      if (compiled.route.auth === "app") {
        const problem = this.checkJwt(req);
        if (problem) return problem;
        if (compiled.route.template.endsWith("/access_tokens")) return this.issueToken(decodeURIComponent(match[1] ?? ""));
        return this.run(compiled, match, { req, url, method, body, record, installation: null });
      }
      const installation = this.installationOf(req);
      if (!installation) return error(401, "Bad credentials");
      record.points = 1;
      this.charge(installation, "core", 1, record);
      return this.run(compiled, match, { req, url, method, body, record, installation });
    }
    return notFound();
  }

  private run(
    compiled: CompiledRoute,
    match: RegExpExecArray,
    params: { req: IncomingMessage; url: URL; method: string; body: unknown; record: RecordedRequest; installation: FakeInstallation | null },
  ): FakeResponse {
    const routeParams = Object.fromEntries(compiled.names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? "")]));
    let repo: FakeRepository | undefined;
    if (compiled.route.template.startsWith("/repos/{owner}/{repo}")) {
      repo = this.state.repository(`${routeParams.owner}/${routeParams.repo}`);
      // GitHub answers 404, not 403, for a repository the token may not see.
      if (!repo || !params.installation?.repositories.has(repo.fullName.toLowerCase())) return notFound("/repos/repos#get-a-repository");
    }
    if (compiled.route.template.startsWith("/orgs/{org}") && params.installation?.account.login.toLowerCase() !== routeParams.org?.toLowerCase()) return notFound();
    const ctx: RouteContext = {
      state: this.state,
      shapes: this.shapes,
      method: params.method,
      url: params.url,
      params: routeParams,
      body: (typeof params.body === "object" && params.body !== null ? params.body : {}) as Record<string, unknown>,
      headers: params.req.headers,
      installation: params.installation,
      repo: repo as FakeRepository,
    };
    return compiled.route.handle(ctx);
  }

  /** An RS256 JWT signed with the app's private key, issued by the app's id, not expired. */
  private checkJwt(req: IncomingMessage): FakeResponse | null {
    const header = String(req.headers.authorization ?? "");
    const token = /^bearer (.+)$/i.exec(header)?.[1] ?? "";
    const [head = "", payload = "", signature = ""] = token.split(".");
    const refuse = error(401, "A JSON web token could not be decoded");
    if (!head || !payload || !signature) return refuse;
    try {
      const alg = (JSON.parse(Buffer.from(head, "base64url").toString()) as { alg?: string }).alg;
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as { iss?: unknown; exp?: number; iat?: number };
      const valid = alg === "RS256" && verify("RSA-SHA256", Buffer.from(`${head}.${payload}`), this.publicKey, Buffer.from(signature, "base64url"));
      if (!valid || String(claims.iss) !== String(this.state.app.id)) return refuse;
      if (typeof claims.exp !== "number" || claims.exp * 1000 < Date.now()) return error(401, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires");
      return null;
    } catch {
      return refuse;
    }
  }

  private issueToken(installationId: string): FakeResponse {
    const installation = this.state.installations.find((i) => String(i.id) === installationId);
    if (!installation) return notFound("/apps/apps#create-an-installation-access-token-for-an-app");
    const token = `ghs_${randomBytes(18).toString("hex")}`;
    const expires = Date.now() + TOKEN_LIFETIME_MS;
    this.tokens.set(token, { installation, expires });
    return {
      status: 201,
      body: { token, expires_at: new Date(expires).toISOString().replace(/\.\d{3}Z$/, "Z"), permissions: installation.permissions, repository_selection: "selected" },
    };
  }

  private installationOf(req: IncomingMessage): FakeInstallation | null {
    const token = /^(?:token|bearer) (ghs_\w+)$/i.exec(String(req.headers.authorization ?? ""))?.[1];
    const entry = token ? this.tokens.get(token) : undefined;
    return entry && entry.expires > Date.now() ? entry.installation : null;
  }

  /** Points an installation has used this hour on a resource; its bucket refills an hour after its first use. */
  private bucket(installation: FakeInstallation, resource: string): { points: number; resetAt: number } {
    const key = `${installation.id}:${resource}`;
    let bucket = this.used.get(key);
    if (!bucket || bucket.resetAt <= Date.now()) {
      bucket = { points: 0, resetAt: Date.now() + 3_600_000 };
      this.used.set(key, bucket);
    }
    return bucket;
  }

  private charge(installation: FakeInstallation, resource: string, points: number, record?: RecordedRequest): void {
    this.bucket(installation, resource).points += points;
    if (record) this.lastInstallation.set(record, installation);
  }

  /** The installation a request's token belongs to, for the rate-limit headers of its answer. */
  private lastInstallation = new WeakMap<RecordedRequest, FakeInstallation>();

  /** Sets what an installation has left this hour (a test of budget-aware pacing). */
  setRemaining(installationId: number, resource: "core" | "graphql", remaining: number, resetInMs = 3_600_000): void {
    this.used.set(`${installationId}:${resource}`, { points: RATE_LIMIT_PER_HOUR - remaining, resetAt: Date.now() + resetInMs });
  }

  private send(res: ServerResponse, record: RecordedRequest, response: FakeResponse): void {
    record.status = response.status;
    const resource = record.path === "/graphql" ? "graphql" : "core";
    const installation = this.lastInstallation.get(record);
    const bucket = installation ? this.bucket(installation, resource) : { points: 0, resetAt: Date.now() + 3_600_000 };
    const headers: Record<string, string> = {
      "x-github-request-id": `FAKE:${record.seq}`,
      "x-github-media-type": "github.v3; format=json",
      "x-ratelimit-limit": String(RATE_LIMIT_PER_HOUR),
      "x-ratelimit-remaining": String(Math.max(0, RATE_LIMIT_PER_HOUR - bucket.points)),
      "x-ratelimit-reset": String(Math.floor(bucket.resetAt / 1000)),
      "x-ratelimit-used": String(bucket.points),
      "x-ratelimit-resource": resource,
      ...response.headers,
    };
    if (response.raw !== undefined) {
      res.writeHead(response.status, headers).end(response.raw);
    } else if (response.body === undefined) {
      res.writeHead(response.status, headers).end();
    } else {
      res.writeHead(response.status, { "content-type": "application/json; charset=utf-8", ...headers }).end(JSON.stringify(response.body));
    }
  }
}
