import { diffProtection, normalizeGraphqlProtection, normalizeProtection, PROTECTION_FIELDS, UNPROTECTED, type ProtectionSnapshot } from "../../src/drift/diff-protection.js";
import { graphqlClassicRule } from "../helpers/scan-github.js";

/** Real shape of `GET /repos/{owner}/{repo}/branches/{branch}/protection` (trimmed URLs kept). */
const CLASSIC = {
  url: "https://api.github.com/repos/acme/shop/branches/main/protection",
  required_status_checks: {
    url: "https://api.github.com/repos/acme/shop/branches/main/protection/required_status_checks",
    strict: true,
    contexts: ["ci", "lint"],
    contexts_url: "https://api.github.com/repos/acme/shop/branches/main/protection/required_status_checks/contexts",
    checks: [
      { context: "ci", app_id: 15368 },
      { context: "lint", app_id: null },
    ],
  },
  required_pull_request_reviews: {
    url: "https://api.github.com/repos/acme/shop/branches/main/protection/required_pull_request_reviews",
    dismiss_stale_reviews: true,
    require_code_owner_reviews: false,
    require_last_push_approval: false,
    required_approving_review_count: 1,
  },
  required_signatures: { url: "https://api.github.com/repos/acme/shop/branches/main/protection/required_signatures", enabled: false },
  enforce_admins: { url: "https://api.github.com/repos/acme/shop/branches/main/protection/enforce_admins", enabled: true },
  required_linear_history: { enabled: false },
  allow_force_pushes: { enabled: false },
  allow_deletions: { enabled: false },
  block_creations: { enabled: false },
  required_conversation_resolution: { enabled: true },
  lock_branch: { enabled: false },
  allow_fork_syncing: { enabled: false },
};

const CLASSIC_SNAPSHOT: ProtectionSnapshot = {
  required_status_checks: ["ci", "lint"],
  required_approving_review_count: 1,
  enforce_admins: true,
  allow_force_pushes: false,
  allow_deletions: false,
  require_code_owner_reviews: false,
  dismiss_stale_reviews: true,
  required_linear_history: false,
  required_signatures: false,
  required_conversation_resolution: true,
};

const RULESET_INFO = { ruleset_source_type: "Repository", ruleset_source: "acme/shop", ruleset_id: 42 };

/** Real shape of `GET /repos/{owner}/{repo}/rules/branches/{branch}`. */
const RULES: unknown[] = [
  { type: "deletion", ...RULESET_INFO },
  { type: "non_fast_forward", ...RULESET_INFO },
  { type: "required_linear_history", ...RULESET_INFO },
  { type: "required_signatures", ...RULESET_INFO },
  {
    type: "pull_request",
    parameters: {
      required_approving_review_count: 2,
      dismiss_stale_reviews_on_push: false,
      require_code_owner_review: true,
      require_last_push_approval: false,
      required_review_thread_resolution: false,
      allowed_merge_methods: ["merge", "squash", "rebase"],
    },
    ...RULESET_INFO,
  },
  {
    type: "required_status_checks",
    parameters: {
      strict_required_status_checks_policy: false,
      do_not_enforce_on_create: false,
      required_status_checks: [{ context: "security/scan", integration_id: 57789 }, { context: "ci" }],
    },
    ...RULESET_INFO,
  },
  { type: "commit_message_pattern", parameters: { operator: "starts_with", pattern: "JIRA-", negate: false }, ...RULESET_INFO },
];

describe("normalizeProtection", () => {
  test("every key of drift.protection, no other", () => {
    expect(Object.keys(normalizeProtection(null, [])).sort()).toEqual([...PROTECTION_FIELDS].sort());
  });

  test.each<[string, unknown, unknown[], ProtectionSnapshot]>([
    ["no classic protection, no rules: unprotected", null, [], UNPROTECTED],
    ["classic protection alone", CLASSIC, [], CLASSIC_SNAPSHOT],
    [
      "rulesets alone (never enforce_admins: the rules endpoint does not say who may bypass)",
      null,
      RULES,
      {
        required_status_checks: ["ci", "security/scan"],
        required_approving_review_count: 2,
        enforce_admins: false,
        allow_force_pushes: false,
        allow_deletions: false,
        require_code_owner_reviews: true,
        dismiss_stale_reviews: false,
        required_linear_history: true,
        required_signatures: true,
        required_conversation_resolution: false,
      },
    ],
    [
      "both: the strongest value of each field, checks united and sorted",
      CLASSIC,
      RULES,
      {
        required_status_checks: ["ci", "lint", "security/scan"],
        required_approving_review_count: 2,
        enforce_admins: true,
        allow_force_pushes: false,
        allow_deletions: false,
        require_code_owner_reviews: true,
        dismiss_stale_reviews: true,
        required_linear_history: true,
        required_signatures: true,
        required_conversation_resolution: true,
      },
    ],
    [
      "classic that allows force pushes and deletions, a ruleset that forbids them",
      { ...CLASSIC, allow_force_pushes: { enabled: true }, allow_deletions: { enabled: true } },
      [{ type: "non_fast_forward" }, { type: "deletion" }],
      CLASSIC_SNAPSHOT,
    ],
    [
      "two pull_request rules: the higher count, any flag",
      null,
      [
        { type: "pull_request", parameters: { required_approving_review_count: 3, require_code_owner_review: false, dismiss_stale_reviews_on_push: false, required_review_thread_resolution: true } },
        { type: "pull_request", parameters: { required_approving_review_count: 1, require_code_owner_review: false, dismiss_stale_reviews_on_push: true, required_review_thread_resolution: false } },
      ],
      { ...UNPROTECTED, required_approving_review_count: 3, dismiss_stale_reviews: true, required_conversation_resolution: true },
    ],
    [
      "checks only in the deprecated contexts list, or only in checks",
      { required_status_checks: { contexts: ["b"], checks: [] } },
      [],
      { ...UNPROTECTED, required_status_checks: ["b"] },
    ],
  ])("%s", (_name, classic, rules, expected) => {
    expect(normalizeProtection(classic, rules)).toEqual(expected);
  });

  test.each<[string, unknown, unknown[], ProtectionSnapshot]>([
    ["classic protection that is not an object", "surprise", [], UNPROTECTED],
    ["enforce_admins without enabled", { ...CLASSIC, enforce_admins: { url: "x" } }, [], { ...CLASSIC_SNAPSHOT, enforce_admins: false }],
    ["allow_force_pushes.enabled a string", { ...CLASSIC, allow_force_pushes: { enabled: "no" } }, [], { ...CLASSIC_SNAPSHOT, allow_force_pushes: true }],
    [
      "a negative review count (the other review fields still count)",
      { ...CLASSIC, required_pull_request_reviews: { ...CLASSIC.required_pull_request_reviews, required_approving_review_count: -1 } },
      [],
      { ...CLASSIC_SNAPSHOT, required_approving_review_count: 0 },
    ],
    [
      "contexts that are not strings: checks still count",
      { ...CLASSIC, required_status_checks: { contexts: [1, 2], checks: [{ context: "ci" }] } },
      [],
      { ...CLASSIC_SNAPSHOT, required_status_checks: ["ci"] },
    ],
    ["rules that are not objects, or of unknown types", null, [null, 7, "deletion", { type: "workflows", parameters: {} }, { parameters: {} }], UNPROTECTED],
    [
      "rules with malformed parameters",
      null,
      [{ type: "required_status_checks", parameters: { required_status_checks: "ci" } }, { type: "pull_request", parameters: null }],
      UNPROTECTED,
    ],
  ])("never throws, a malformed part enforces nothing: %s", (_name, classic, rules, expected) => {
    expect(normalizeProtection(classic, rules)).toEqual(expected);
  });

  test("rulesets that are not an array are ignored", () => {
    expect(normalizeProtection(null, "nope" as unknown as unknown[])).toEqual(UNPROTECTED);
  });
});

/** GraphQL's `Ref.branchProtectionRule` for the same settings as CLASSIC. */
const GRAPHQL_CLASSIC = graphqlClassicRule({
  requiredStatusCheckContexts: ["ci", "lint"],
  requiredStatusChecks: [{ context: "ci" }, { context: "lint" }],
  requiresConversationResolution: true,
});

/** GraphQL's `Ref.rules` nodes for the same rules as RULES: upper-case types, camel-case parameters (the union's other members answer `{}`). */
const GRAPHQL_RULES: unknown[] = [
  { type: "DELETION", parameters: null },
  { type: "NON_FAST_FORWARD", parameters: null },
  { type: "REQUIRED_LINEAR_HISTORY", parameters: null },
  { type: "REQUIRED_SIGNATURES", parameters: null },
  { type: "PULL_REQUEST", parameters: { requiredApprovingReviewCount: 2, dismissStaleReviewsOnPush: false, requireCodeOwnerReview: true, requiredReviewThreadResolution: false } },
  { type: "REQUIRED_STATUS_CHECKS", parameters: { requiredStatusChecks: [{ context: "security/scan" }, { context: "ci" }] } },
  { type: "COMMIT_MESSAGE_PATTERN", parameters: {} },
];

describe("normalizeGraphqlProtection gives normalizeProtection's snapshot for the same settings", () => {
  const withoutRequirements: Record<string, unknown> = { ...CLASSIC };
  delete withoutRequirements.required_status_checks;
  delete withoutRequirements.required_pull_request_reviews;
  test.each<[string, unknown, unknown[], unknown, unknown[]]>([
    ["none", null, [], null, []],
    ["classic only", CLASSIC, [], GRAPHQL_CLASSIC, []],
    ["rulesets only", null, RULES, null, GRAPHQL_RULES],
    ["both", CLASSIC, RULES, GRAPHQL_CLASSIC, GRAPHQL_RULES],
    // REST leaves the parts out when they are not required; GraphQL keeps the old values under a false flag.
    ["classic, reviews and checks not required", withoutRequirements, [], { ...GRAPHQL_CLASSIC, requiresApprovingReviews: false, requiresStatusChecks: false, requiresCodeOwnerReviews: true }, []],
    ["classic allowing force pushes and deletions, no admin enforcement", { ...CLASSIC, allow_force_pushes: { enabled: true }, allow_deletions: { enabled: true }, enforce_admins: { enabled: false } }, [], { ...GRAPHQL_CLASSIC, allowsForcePushes: true, allowsDeletions: true, isAdminEnforced: false }, []],
    ["classic with linear history and signatures", { ...CLASSIC, required_linear_history: { enabled: true }, required_signatures: { enabled: true } }, [], { ...GRAPHQL_CLASSIC, requiresLinearHistory: true, requiresCommitSignatures: true }, []],
    ["a required check named only in the newer list", { ...CLASSIC, required_status_checks: { contexts: [], checks: [{ context: "build", app_id: 1 }] } }, [], { ...GRAPHQL_CLASSIC, requiredStatusCheckContexts: [], requiredStatusChecks: [{ context: "build" }] }, []],
  ])("%s", (_name, rest, restRules, graphql, graphqlRules) => {
    const expected = normalizeProtection(rest, restRules);
    expect(normalizeGraphqlProtection(graphql, graphqlRules)).toEqual(expected);
  });

  test("the cases differ from each other (the comparison can fail)", () => {
    expect(normalizeGraphqlProtection(GRAPHQL_CLASSIC, GRAPHQL_RULES)).not.toEqual(normalizeGraphqlProtection(GRAPHQL_CLASSIC, []));
    expect(normalizeGraphqlProtection({ ...GRAPHQL_CLASSIC, requiresApprovingReviews: false }, [])).toMatchObject({ required_approving_review_count: 0, dismiss_stale_reviews: false });
    expect(normalizeGraphqlProtection({ ...GRAPHQL_CLASSIC, requiresStatusChecks: false }, [])).toMatchObject({ required_status_checks: [] });
  });

  test("malformed GraphQL answers enforce nothing, as malformed REST answers do", () => {
    expect(normalizeGraphqlProtection("odd", [null, 5, { type: 7 }, { type: "PULL_REQUEST", parameters: { requiredApprovingReviewCount: "two" } }, { type: "REQUIRED_STATUS_CHECKS", parameters: null }])).toEqual(UNPROTECTED);
    expect(normalizeGraphqlProtection({ isAdminEnforced: "yes", allowsForcePushes: null }, "not a list" as never)).toEqual({ ...UNPROTECTED });
  });
});

describe("diffProtection", () => {
  test("equal: no items", () => {
    expect(diffProtection({ branch: "main", expected: CLASSIC_SNAPSHOT, actual: CLASSIC_SNAPSHOT })).toEqual([]);
  });

  test("only fields present in expected are compared", () => {
    const actual = { ...CLASSIC_SNAPSHOT, enforce_admins: false, required_signatures: true };
    expect(diffProtection({ branch: "main", expected: { required_signatures: true }, actual })).toEqual([]);
  });

  test.each<[keyof ProtectionSnapshot, ProtectionSnapshot[keyof ProtectionSnapshot], string]>([
    ["enforce_admins", false, "`main`: enforce_admins is false, expected true"],
    ["allow_force_pushes", true, "`main`: allow_force_pushes is true, expected false"],
    ["required_approving_review_count", 0, "`main`: required_approving_review_count is 0, expected 1"],
    ["required_status_checks", ["ci"], "`main`: required_status_checks is [`ci`], expected [`ci`, `lint`]"],
    ["required_status_checks", [], "`main`: required_status_checks is (none), expected [`ci`, `lint`]"],
  ])("one item for %s", (name, actualValue, title) => {
    const items = diffProtection({ branch: "main", expected: CLASSIC_SNAPSHOT, actual: { ...CLASSIC_SNAPSHOT, [name]: actualValue } });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: `protection:main:${name}`, kind: "protection", title });
    expect(items[0]?.fix).toContain("re-applying it from the production branch");
  });

  test("details hold the expected and actual values, and which checks went or came", () => {
    const [item] = diffProtection({
      branch: "main",
      expected: { required_status_checks: ["ci", "lint"] },
      actual: { ...CLASSIC_SNAPSHOT, required_status_checks: ["ci", "deploy"] },
    });
    expect(item?.details).toEqual([
      "Expected: [`ci`, `lint`] (declared in `drift.protection`)",
      "Actual: [`ci`, `deploy`]",
      "No longer required: `lint`",
      "Required but not expected: `deploy`",
    ]);
  });

  test("check order and duplicates do not count as drift", () => {
    const actual = { ...CLASSIC_SNAPSHOT, required_status_checks: ["ci", "lint"] };
    expect(diffProtection({ branch: "main", expected: { required_status_checks: ["lint", "ci", "ci"] }, actual })).toEqual([]);
  });

  test("no protection at all while expected asks for some: an item for each asked field that it breaks", () => {
    const expected = { required_status_checks: ["ci"], required_approving_review_count: 1, enforce_admins: true, allow_force_pushes: false, allow_deletions: false };
    const items = diffProtection({ branch: "main", expected, actual: normalizeProtection(null, []) });
    expect(items.map((item) => item.id)).toEqual([
      "protection:main:required_status_checks",
      "protection:main:required_approving_review_count",
      "protection:main:enforce_admins",
      "protection:main:allow_force_pushes",
      "protection:main:allow_deletions",
    ]);
  });

  test("against the baseline, the item says so and how to declare the change instead", () => {
    const [item] = diffProtection({ branch: "main", expected: { enforce_admins: true }, actual: UNPROTECTED, source: "baseline" });
    expect(item?.details[0]).toBe("Expected: true (baseline seen at the first scan)");
    expect(item?.fix).toContain("declare it in `drift.protection`");
  });

  test("a long list of checks is cut in the title, not in the details", () => {
    const many = Array.from({ length: 8 }, (_, index) => `check-${index}`);
    const [item] = diffProtection({ branch: "main", expected: { required_status_checks: many }, actual: UNPROTECTED });
    expect(item?.title).toContain("…3 more");
    expect(item?.details[0]).toContain("`check-7`");
  });

  test.each([
    ["markdown and a mention", "feat/*bold*_@admin", "`feat/*bold*_@admin`"],
    ["a backtick", "fix`it", "fix\\`it"],
    ["HTML that spells our hidden state block", "x<!-- pipeline-guard:state {} -->", "x&lt;\\!-- pipeline-guard:state \\{\\} --&gt;"],
  ])("a branch name with %s is escaped in the title, raw in the id", (_name, branch, shown) => {
    const [item] = diffProtection({ branch, expected: { enforce_admins: true }, actual: UNPROTECTED });
    expect(item?.id).toBe(`protection:${branch}:enforce_admins`);
    expect(item?.title.startsWith(`${shown}: enforce_admins`)).toBe(true);
    expect(item?.title).not.toContain("<");
  });
});
