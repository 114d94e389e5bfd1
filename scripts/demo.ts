// `npm run demo`: Pipeline Guard end to end, offline, in one command. It starts a fake GitHub
// on 127.0.0.1 (test/e2e/fake-github.ts) and the real, built server (`node lib/main.js`) against
// it, plays three scenarios of the e2e tests, and prints what the bot wrote. Nothing leaves the
// machine: the server and the command run in an empty directory with a clean environment, so
// a `.env` with real credentials is never read. Run through scripts/register-ts-loader.mjs.
import { ensureBuilt, stopAllChildren } from "../test/e2e/app-process.js";
import { isWrite } from "../test/e2e/fake-github.js";
import { repositoryState, type RepositoryState } from "../test/e2e/final-state.js";
import {
  INFRA,
  PAYMENTS,
  fixInfraDrift,
  playDirectPush,
  playEmergencyMerge,
  runScan,
  seedInfra,
  seedPayments,
  startEnvironment,
  type Environment,
} from "../test/e2e/scenarios.js";

const say = (text = "") => console.log(text);
const HIDDEN = /<!--[\s\S]*?-->/g;

/** A markdown body as a person reads it on GitHub: hidden keys and state blocks left out, indented. */
function quoted(body: string | null, indent = "      │ "): string {
  const visible = (body ?? "")
    .replace(HIDDEN, "")
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return visible
    .split("\n")
    .map((line) => `${indent}${line}`.trimEnd())
    .join("\n");
}

/** Prints what changed in a repository between two snapshots: the bot's checks, labels, comments and issues. */
function printWrites(before: RepositoryState, after: RepositoryState): void {
  for (const run of after.checkRuns.slice(before.checkRuns.length)) {
    if (run.app !== "pipeline-guard") continue;
    say(`  ✔ check run "${run.name}" on ${run.sha}: ${run.conclusion} — ${run.title}`);
    say(quoted(run.summary));
  }
  for (const issue of after.issues) {
    const old = before.issues.find((i) => i.number === issue.number);
    const where = `${issue.kind} #${issue.number}`;
    const added = issue.labels.filter((l) => !old?.labels.includes(l));
    if (!old && issue.kind === "issue") {
      say(`  ✚ opened issue #${issue.number} "${issue.title}"`);
      say(`      labels: ${issue.labels.join(", ") || "none"}; assignees: ${issue.assignees.map((a) => `@${a}`).join(", ") || "none"}`);
      say(quoted(issue.body));
    } else if (added.length > 0) {
      say(`  ✚ labelled ${where}: ${added.join(", ")}`);
    }
    if (old && old.state !== issue.state) say(`  ✚ ${issue.state === "closed" ? `closed ${where} (${issue.stateReason})` : `reopened ${where}`}`);
    else if (old && old.body !== issue.body && issue.kind === "issue") say(`  ✚ rewrote the body of ${where}`);
    issue.comments.forEach((comment, index) => {
      const previous = old?.comments[index];
      if (previous?.body === comment.body) return;
      say(`  ✎ ${previous ? "updated its comment" : "commented"} on ${where}:`);
      say(quoted(comment.body));
    });
  }
}

async function step(env: Environment, repo: string, title: string, story: string, play: () => Promise<string | void>): Promise<void> {
  say(`\n━━ ${title} ━━`);
  say(story);
  const before = repositoryState(env.fake, repo);
  const mark = env.fake.requests.length;
  const note = await play();
  const after = repositoryState(env.fake, repo);
  const served = env.fake.requests.slice(mark);
  say(`\n  Pipeline Guard made ${served.length} API calls (${served.filter(isWrite).length} writes)${note ? `; ${note}` : ""}. It wrote:`);
  printWrites(before, after);
}

async function main(): Promise<void> {
  say("Pipeline Guard demo: the real server (lib/main.js) and command (lib/cli/main.js) against a fake");
  say("GitHub Enterprise Server on 127.0.0.1. Nothing here talks to github.com.");
  await ensureBuilt();
  const env = await startEnvironment({
    epoch: new Date(),
    seed: (fake) => {
      seedPayments(fake);
      seedInfra(fake);
    },
  });
  try {
    say(`\nFake GitHub: ${env.fake.origin}/api/v3 · server: ${env.server!.url} (APP_ID ${env.identity.id}, a fresh RSA key, signed webhooks)`);

    await step(
      env,
      PAYMENTS,
      "1. An emergency fix, merged",
      "alice opens acme/payments#1 \"[emergency-deploy] Round payouts half-even\" with a ## Justification section;\nCI passes and bob merges it. GitHub sends pull_request.opened, then pull_request.closed (merged).",
      async () => {
        const play = await playEmergencyMerge(env);
        return `deliveries answered ${[play.opened, ...play.closed].map((d) => d.status).join(", ")}`;
      },
    );

    await step(env, PAYMENTS, "2. A direct push to main", "dana, an admin, pushes a commit straight to main (no pull request, no marker). GitHub sends push.", async () => {
      const play = await playDirectPush(env);
      return `delivery answered ${play.delivery.status}`;
    });

    say("\n━━ 3. The drift scan ━━");
    say("acme/infra declares enforce_admins: true in drift.protection, but someone turned it off in the settings;");
    say("the nightly drift.yml run uploaded a Terraform plan in which a security group was changed by hand;");
    say("a newer run, of mallory's fork PR on a head branch she named main, uploaded a clean plan: it does not count.");
    const scans: Array<[string, () => void]> = [
      ["$ pipeline-guard scan --repo acme/infra", () => undefined],
      ["$ pipeline-guard scan --repo acme/infra      # again, nothing changed", () => undefined],
      ["(the drift is fixed through the pipeline: protection re-applied, a clean plan)\n$ pipeline-guard scan --repo acme/infra", () => fixInfraDrift(env.fake)],
    ];
    for (const [command, before] of scans) {
      before();
      const snapshot = repositoryState(env.fake, INFRA);
      const run = await runScan(env);
      if (run.code !== 0) throw new Error(`pipeline-guard scan exited ${run.code}:\n${run.stderr}`);
      const writes = env.fake.requests.slice(run.from, run.to).filter(isWrite).length;
      say(`\n${command}\n${run.stdout.trim()}`);
      say(`  (${run.to - run.from} API calls, ${writes} writes)${writes > 0 ? " It wrote:" : ""}`);
      printWrites(snapshot, repositoryState(env.fake, INFRA));
    }

    const total = env.fake.requests.length;
    say(`\nDone: the fake GitHub served ${total} requests (${env.fake.writes().length} writes), all on 127.0.0.1.`);
    say("The same scenarios, with assertions, are in test/e2e/ (npm test).");
  } finally {
    await env.stop();
    await stopAllChildren();
  }
}

main().catch(async (error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await stopAllChildren();
  process.exitCode = 1;
});
