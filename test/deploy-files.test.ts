/**
 * The deployment files (no Docker or cluster here): read as data, they say what README
 * "Several replicas" promises: two replicas and a Redis in compose, probes on /healthz and
 * /readyz, a grace period longer than SHUTDOWN_TIMEOUT, and an init process in the image.
 */
import { readFileSync } from "node:fs";
import { parse, parseAllDocuments } from "yaml";

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");
/** A value inside parsed YAML by a dotted path (`spec.template.spec`); undefined when absent. */
function dig(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((at, key) => (at !== null && typeof at === "object" ? (at as Record<string, unknown>)[key] : undefined), value);
}
const str = (value: unknown, path: string) => String(dig(value, path));

describe("docker-compose.yml", () => {
  const compose: unknown = parse(read("docker-compose.yml"));

  test("two app replicas on one Redis, behind a proxy, each given time to shut down", () => {
    const apps = Object.entries(dig(compose, "services") as Record<string, unknown>).filter(([name]) => name.startsWith("app-"));
    expect(apps).toHaveLength(2);
    for (const [, app] of apps) {
      expect(dig(app, "environment.REDIS_URL")).toBe("redis://redis:6379");
      expect(dig(app, "stop_grace_period")).toBe("30s");
      expect(dig(app, "depends_on.redis.condition")).toBe("service_healthy");
    }
    expect(str(compose, "services.redis.image")).toMatch(/^redis:/);
    expect(dig(compose, "services.proxy.ports")).toEqual(["3000:80"]);
    const nginx = read("deploy/docker/nginx.conf");
    expect(nginx).toContain("server app-1:3000");
    expect(nginx).toContain("server app-2:3000");
  });
});

describe("deploy/kubernetes", () => {
  const resources = dig(parse(read("deploy/kubernetes/kustomization.yaml")), "resources") as string[];
  const docs = resources.flatMap((file) => parseAllDocuments(read(`deploy/kubernetes/${file}`)).map((d) => d.toJSON() as unknown));
  const find = (kind: string, name: string) => docs.find((d) => dig(d, "kind") === kind && dig(d, "metadata.name") === name);

  test("a Deployment of several replicas with probes on /healthz and /readyz and a grace period over SHUTDOWN_TIMEOUT", () => {
    const deployment = find("Deployment", "pipeline-guard");
    expect(dig(deployment, "spec.replicas")).toBeGreaterThanOrEqual(2);
    const pod = dig(deployment, "spec.template.spec");
    const container = dig(pod, "containers.0");
    expect(dig(container, "livenessProbe.httpGet.path")).toBe("/healthz");
    expect(dig(container, "readinessProbe.httpGet.path")).toBe("/readyz");
    const env = Object.fromEntries((dig(container, "env") as unknown[]).map((e) => [str(e, "name"), str(e, "value")]));
    expect(env.REDIS_URL).toBe("redis://pipeline-guard-redis:6379");
    expect(dig(pod, "terminationGracePeriodSeconds")).toBeGreaterThan(Number.parseInt(env.SHUTDOWN_TIMEOUT ?? "", 10));
    expect(dig(container, "envFrom.0.secretRef.name")).toBe("pipeline-guard");
  });

  test("a Service for the app, a Redis with its Service, a PodDisruptionBudget", () => {
    expect(dig(find("Service", "pipeline-guard"), "spec.selector")).toEqual({ "app.kubernetes.io/name": "pipeline-guard" });
    expect(str(find("Deployment", "pipeline-guard-redis"), "spec.template.spec.containers.0.image")).toMatch(/^redis:/);
    expect(dig(find("Service", "pipeline-guard-redis"), "spec.ports.0.port")).toBe(6379);
    expect(dig(find("PodDisruptionBudget", "pipeline-guard"), "spec.minAvailable")).toBeGreaterThanOrEqual(1);
  });
});

describe("Dockerfile", () => {
  test("runs Node under tini, so that SIGTERM reaches it, and checks /healthz", () => {
    const dockerfile = read("Dockerfile");
    expect(dockerfile).toContain('ENTRYPOINT ["/usr/bin/tini", "--"]');
    expect(dockerfile).toMatch(/apt-get install -y --no-install-recommends tini/);
    expect(dockerfile).toContain("/healthz");
    expect(dockerfile).toContain('CMD ["node", "lib/main.js"]');
  });
});
