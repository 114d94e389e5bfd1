import { RE2JS } from "re2js";
import { z } from "zod";
import { immutableSchema } from "./immutable-schema.js";

/**
 * The single source of the configuration's type, defaults and documentation
 * (`.github/pipeline-guard.yml`, SPEC section 2). `pipeline-guard schema` prints the JSON
 * Schema generated from it; every pure function takes only the slice it needs.
 */

const glob = z.string().min(1);
const login = z.string().min(1).max(100);

export const PERMISSION_LEVELS = ["read", "triage", "write", "maintain", "admin"] as const;
export const permissionLevel = z.enum(PERMISSION_LEVELS);
export type PermissionLevel = z.infer<typeof permissionLevel>;

export const FOLLOW_UP_ITEMS = ["retest", "postmortem", "review"] as const;
export const followUpItem = z.enum(FOLLOW_UP_ITEMS);
export type FollowUpItem = z.infer<typeof followUpItem>;

/** More approvals than this would be a review process, not an emergency: GitHub's own rule stops at 10. */
export const MAX_APPROVALS_REQUIRED = 10;

/** The kinds of notification (`notify.events`): an override merged, a bypass recorded, a follow-up escalated, a new drift item. */
export const NOTIFY_EVENTS = ["override", "bypass", "escalation", "drift"] as const;
export type NotifyEventKind = (typeof NOTIFY_EVENTS)[number];

/** A login (`lead`) or an org team (`acme/sre`), optionally written with its `@`. */
const ESCALATION_TARGET = /^@?[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9._-]{1,100})?$/;
/** One comment mentions them all: GitHub notifies at most 50 mentions of a comment. */
export const MAX_ESCALATION_TARGETS = 20;

/** An incident pattern is a short regular expression; longer is not an id. */
export const MAX_INCIDENT_PATTERN_LENGTH = 200;
/** An https link with `{id}` where the incident's id goes, and nothing that could end a markdown link. */
const INCIDENT_URL = /^https:\/\/[^\s()<>`"']*\{id\}[^\s()<>`"']*$/;

/** RE2 syntax (re2js): matching runs in linear time, so a pattern cannot be made to hang on a PR's text. */
function isRegularExpression(pattern: string): boolean {
  try {
    RE2JS.compile(pattern);
    return true;
  } catch {
    return false;
  }
}

/** Who may do something: a least repository permission, or membership of a team, or a login. */
const allowedActors = (permission: PermissionLevel) =>
  z
    .object({
      /** Least repository permission that allows. */
      permission: permissionLevel.default(permission).describe("least repository permission: read|triage|write|maintain|admin"),
      /** Org team slugs; membership in one also allows. */
      teams: z.array(z.string().min(1)).default([]).describe("org team slugs; membership in one also allows"),
      /** Logins that are always allowed. */
      users: z.array(login).default([]).describe("logins that are always allowed"),
    })
    .strict();

const markerPolicy = z
  .object({
    /** Label applied to PRs and follow-ups carrying this marker. Defaults to the marker's name. */
    label: z.string().min(1).max(50).optional().describe("label applied where the marker is found (default: the marker's name)"),
    /** Other words that count as this marker, e.g. GitHub's own `[skip ci]`. */
    aliases: z.array(z.string().min(1).max(50)).default([]).describe("other bracketed words that count as this marker"),
    /** What the follow-up issue asks for after the merge. */
    follow_up: z.array(followUpItem).default([]).describe("follow-up checklist items: retest, postmortem, review"),
  })
  .strict();
export type MarkerPolicy = z.infer<typeof markerPolicy> & { label: string };

const bypassAction = z.enum(["issue", "check", "off"]);
export type BypassAction = z.infer<typeof bypassAction>;

export const DEFAULT_MARKERS = {
  "skip-tests": {
    label: "skip-tests",
    aliases: ["skip ci", "ci skip", "no ci", "skip actions", "actions skip"],
    follow_up: ["retest"],
  },
  "emergency-deploy": {
    label: "emergency-deploy",
    aliases: ["hotfix"],
    follow_up: ["postmortem", "review"],
  },
} satisfies Record<string, z.input<typeof markerPolicy>>;

/** Marker names are matched as SPEC section 1 says: letters, digits, `-`, `_` and single spaces. */
const markerName = z.string().regex(/^[A-Za-z0-9]+(?:[-_ ][A-Za-z0-9]+)*$/, "a marker name is letters and digits joined by -, _ or a single space");

export const configSchema = z
  .object({
    /** Org-wide defaults to extend, e.g. `.github` or `other-repo:path.yml` (Probot's `_extends`). */
    _extends: z.string().min(1).optional().describe("where org-wide defaults come from, e.g. .github"),
    /** enforce: unmet requirements fail the check. report: checks end neutral and nothing is blocked, reopened or rejected. */
    mode: z.enum(["enforce", "report"]).default("enforce").describe("enforce | report"),
    production: z
      .object({
        /** Names or globs of production branches; [] means the repository's default branch. */
        branches: z.array(glob).default([]).describe("names or globs; [] = the repository's default branch"),
        /** Deployment environments (globs) that are production. */
        environments: z.array(glob).default(["production"]).describe("deployment environments (globs) that are production"),
      })
      .strict()
      .prefault({}),
    /** Marker name -> policy. A marker set to null is turned off. */
    markers: z
      .record(markerName, markerPolicy.nullable())
      .prefault(DEFAULT_MARKERS)
      .describe("marker name -> policy; set a marker to null to turn it off"),
    overrides: z
      .object({
        /** Who may use a marker; anyone else fails the check. */
        allowed: allowedActors("write").prefault({}),
        justification: z
          .object({
            required: z.boolean().default(true),
            /** PR body headings whose section holds the justification; a direct push uses a `Justification:` commit body line. */
            headings: z.array(z.string().min(1)).default(["Justification", "Incident"]),
          })
          .strict()
          .prefault({}),
        /**
         * The two-person rule: with `required: N > 0`, an override is allowed only once N people
         * other than its author and each marker's author, each allowed by `by`, approved the PR's
         * current head. A direct push cannot be approved beforehand: its follow-up gets a
         * Second approval box that someone allowed by `by` ticks.
         */
        approval: z
          .object({
            /** How many approvals of the head an override needs; 0 = none. */
            required: z.number().int().min(0).max(MAX_APPROVALS_REQUIRED).default(0).describe("approvals of the PR's head an override needs; 0 = none"),
            /** Who may give one (besides the author and the markers' authors, who never count). */
            by: allowedActors("maintain").prefault({}).describe("who may approve an override"),
          })
          .strict()
          .prefault({}),
        /**
         * The incident an override answers: with `required: true` the justification must name one
         * matching `pattern` (e.g. `(INC|PD)-\d+`); `url` (with `{id}`) makes it a link in the check,
         * the PR comment, the follow-up and the ledger.
         */
        incident: z
          .object({
            required: z.boolean().default(false).describe("the justification must name an incident matching pattern"),
            pattern: z
              .string()
              .max(MAX_INCIDENT_PATTERN_LENGTH)
              .refine(isRegularExpression, "must be a regular expression (RE2 syntax)")
              .default("")
              .describe("regular expression of an incident id, e.g. (INC|PD)-\\d+"),
            url: z
              .string()
              .regex(INCIDENT_URL, "must be an https:// URL holding {id}, e.g. https://example.pagerduty.com/incidents/{id}")
              .or(z.literal(""))
              .default("")
              .describe("link of an incident, {id} replaced by the id found"),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    follow_up: z
      .object({
        due_hours: z.number().int().positive().max(24 * 365).default(48),
        /** author | merger | any login */
        assignees: z.array(login).default(["author", "merger"]),
        /** Workflow file dispatched on the merge commit for `retest`, e.g. ci.yml. */
        retest_workflow: z.string().default(""),
        /**
         * A follow-up still open `after_hours` past its due date mentions `to` once, in one comment,
         * and gets the label `pipeline-guard:escalated`. `to: []` (the default) escalates to nobody.
         */
        escalate: z
          .object({
            after_hours: z.number().int().positive().max(24 * 365).default(24).describe("hours past the due date before escalating"),
            /** Logins, or org teams as `org/team-slug`; a leading `@` is allowed. */
            to: z
              .array(z.string().regex(ESCALATION_TARGET, "expected a login or org/team-slug"))
              .max(MAX_ESCALATION_TARGETS)
              .default([])
              .describe("logins or org/team-slug to mention; [] = no escalation"),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    bypass: z
      .object({
        direct_push: bypassAction.default("issue"),
        force_push: bypassAction.default("issue"),
        failing_checks_merge: bypassAction.default("issue"),
        /** Logins exempt from bypass reports (release bots). The app itself always is. */
        allowed_actors: z.array(login).default([]),
      })
      .strict()
      .prefault({}),
    drift: z
      .object({
        enabled: z.boolean().default(true),
        /** Declared protection of production branches; {} = the protection seen at the first scan is the baseline. */
        protection: z
          .object({
            required_status_checks: z.array(z.string().min(1)).optional(),
            required_approving_review_count: z.number().int().min(0).max(10).optional(),
            enforce_admins: z.boolean().optional(),
            allow_force_pushes: z.boolean().optional(),
            allow_deletions: z.boolean().optional(),
            require_code_owner_reviews: z.boolean().optional(),
            dismiss_stale_reviews: z.boolean().optional(),
            required_linear_history: z.boolean().optional(),
            required_signatures: z.boolean().optional(),
            required_conversation_resolution: z.boolean().optional(),
          })
          .strict()
          .default({}),
        deployments: z
          .object({
            /** Logins that may create production deployments; [] = anyone. */
            allowed_creators: z.array(login).default([]),
          })
          .strict()
          .prefault({}),
        terraform: z
          .object({
            /** Workflow file whose artifact holds `terraform show -json PLANFILE`; "" = off. */
            workflow: z.string().default(""),
            artifact: z.string().min(1).default("terraform-plan"),
            file: z.string().min(1).default("plan.json"),
            max_age_hours: z.number().positive().default(26),
            dispatch: z.boolean().default(false),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    deployments: z
      .object({
        /** Answer deployment protection rule requests for production environments. */
        gate: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    notify: z
      .object({
        /** Which kinds of messages this repository sends to `NOTIFY_WEBHOOK_URL` (set in the app's environment). */
        events: z.array(z.enum(NOTIFY_EVENTS)).default([...NOTIFY_EVENTS]).describe("override | bypass | escalation | drift"),
      })
      .strict()
      .prefault({}),
    commands: z
      .object({
        allowed: allowedActors("maintain").prefault({}),
        /** Workflow dispatched by `/pipeline-guard replace ADDRESS` with input `replace`. */
        apply_workflow: z.string().default(""),
      })
      .strict()
      .prefault({}),
    /** Immutable infrastructure on pull requests (issue #13). */
    immutable: immutableSchema,
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
type ParsedConfig = z.infer<typeof configSchema>;

/** The configuration after parsing: markers that were turned off are gone, every label is set. */
export type Config = Omit<ParsedConfig, "markers"> & { markers: Record<string, MarkerPolicy> };

/** Drops markers set to null and gives each marker its label (its name by default). */
export function finishConfig(parsed: ParsedConfig): Config {
  const markers: Record<string, MarkerPolicy> = {};
  for (const [name, policy] of Object.entries(parsed.markers)) {
    if (policy) markers[name] = { ...policy, label: policy.label ?? name };
  }
  return { ...parsed, markers };
}

export const DEFAULT_CONFIG: Config = finishConfig(configSchema.parse({}));
