import { jest } from "@jest/globals";
import { runCommand, type CommandContext } from "../../src/commands/run-command.js";
import type { InstalledRepository, ScanOutcome } from "../../src/drift/scan-job.js";
import { handleProtectionChanged, handleRepositoriesAdded } from "../../src/handlers/drift-events.js";
import { defaultInfrastructure, runWithInfrastructure } from "../../src/infrastructure/current-infrastructure.js";
import type { ScanDispatch } from "../../src/infrastructure/infrastructure.js";

/** With Redis, scans are queued instead of run in the handler (src/drift/scan-queue.ts); here a recording queue stands in. */
function withScans(outcome: ScanOutcome | null = null) {
  const enqueue = jest.fn<ScanDispatch["enqueue"]>(async (targets) => targets.map((t) => `job-${t.repo}`));
  const scanAndWait = jest.fn<ScanDispatch["scanAndWait"]>(async () => outcome);
  const infrastructure = { ...defaultInfrastructure(), scans: { enqueue, scanAndWait } };
  return { enqueue, scanAndWait, run: <T>(fn: () => Promise<T>) => runWithInfrastructure(infrastructure, fn) };
}

const app = { auth: jest.fn(), log: { info: jest.fn() } } as never;
const appLogin = async () => "pipeline-guard[bot]";

describe("scans dispatched to the queue when there is one", () => {
  test("a protection event queues one scan of its repository, naming the event and who made the change; no API call here", async () => {
    const scans = withScans();
    const context = {
      id: "delivery-7",
      name: "branch_protection_rule",
      payload: { action: "edited", installation: { id: 5 }, repository: { name: "payments", owner: { login: "acme" }, default_branch: "main" }, sender: { login: "dana" } },
    };
    await expect(scans.run(() => handleProtectionChanged(app, context as never, { appLogin }))).resolves.toBeNull();
    expect(scans.enqueue).toHaveBeenCalledWith(
      [{ installationId: 5, owner: "acme", repo: "payments", defaultBranch: "main", archived: false, canReadRuleSuites: false }],
      { dedupe: "event-delivery-7", trigger: { event: "branch_protection_rule.edited", actor: "dana" } },
    );
  });

  test("new repositories of an installation are queued, one job each", async () => {
    const scans = withScans();
    const context = {
      id: "delivery-8",
      name: "installation_repositories",
      payload: { action: "added", installation: { id: 5, account: { login: "acme" }, permissions: {} }, repositories_added: [{ full_name: "acme/a" }, { full_name: "acme/b" }] },
    };
    await expect(scans.run(() => handleRepositoriesAdded(app, context as never, { appLogin, pauseMs: 0 }))).resolves.toEqual([]);
    const [targets, params] = scans.enqueue.mock.calls[0]!;
    expect(targets.map((t: InstalledRepository) => `${t.owner}/${t.repo}`)).toEqual(["acme/a", "acme/b"]);
    expect(params).toEqual({ dedupe: "event-delivery-8" });
  });

  const commandContext = { app, appLogin, target: { installationId: 5, owner: "acme", repo: "payments", defaultBranch: "main", archived: false, canReadRuleSuites: false } } as unknown as CommandContext;

  test("/pipeline-guard rescan waits for its queued job and replies with its outcome", async () => {
    const scans = withScans({ repository: "acme/payments", open: 2, accepted: 0, newItems: ["protection:main:enforce_admins"], report: "updated" } as unknown as ScanOutcome);
    await expect(scans.run(() => runCommand({ name: "rescan" }, commandContext))).resolves.toBe("Scan done: 2 open drift item(s), 0 accepted, 1 new; the report was updated.");
    expect(scans.scanAndWait).toHaveBeenCalledWith(commandContext.target, { waitMs: 60_000 });
  });

  test("/pipeline-guard rescan whose job has not finished within a minute says it is queued", async () => {
    const scans = withScans(null);
    await expect(scans.run(() => runCommand({ name: "rescan" }, commandContext))).resolves.toBe(
      "The scan is queued and has not finished within a minute: the report is updated when it runs.",
    );
  });
});
