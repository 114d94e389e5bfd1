import type { Context } from "probot";
import { markRepositoryChanged } from "../../src/handlers/scan-marks.js";
import { createInProcessScanMemory } from "../../src/infrastructure/scan-memory.js";

const AT = new Date("2026-03-10T12:00:00Z");

function context(name: string, payload: Record<string, unknown>) {
  return { name, payload } as unknown as Context<"push">;
}

describe("markRepositoryChanged", () => {
  test.each(["push", "branch_protection_rule", "repository_ruleset", "workflow_run"])("%s marks the repository for a full read", async (name) => {
    const memory = createInProcessScanMemory();
    expect(await markRepositoryChanged(context(name, { repository: { full_name: "Octo-Org/Repo" } }), { memory, now: AT })).toBe(true);
    expect(await memory.get("octo-org/repo")).toMatchObject({ dirtyAt: AT.toISOString() });
  });

  test("an event on an issue a bot opened (the app's records) marks it; a person's issue does not", async () => {
    const memory = createInProcessScanMemory();
    const bot = { repository: { full_name: "octo-org/repo" }, issue: { user: { login: "pipeline-guard[bot]", type: "Bot" } } };
    const person = { repository: { full_name: "octo-org/other" }, issue: { user: { login: "alice", type: "User" } } };
    expect(await markRepositoryChanged(context("issues", bot), { memory, now: AT })).toBe(true);
    expect(await markRepositoryChanged(context("issues", person), { memory, now: AT })).toBe(false);
    expect(await memory.get("octo-org/repo")).toMatchObject({ dirtyAt: AT.toISOString() });
    expect(await memory.get("octo-org/other")).toBeUndefined();
  });

  test("an event without a repository (an organization's ruleset) marks nothing", async () => {
    const memory = createInProcessScanMemory();
    expect(await markRepositoryChanged(context("repository_ruleset", { organization: { login: "octo-org" } }), { memory })).toBe(false);
  });
});
