/**
 * Plans in the shape `terraform show -json PLANFILE` writes (format_version 1.2, Terraform 1.5+):
 * `resource_changes[]` with `address`, `module_address` for a module's resource, `mode`, `type`,
 * `name`, `index`, `provider_name` and `change` (`actions`, `before`, `after`, `after_unknown`,
 * `before_sensitive`, `after_sensitive`, `replace_paths`), and `action_reason` where Terraform
 * writes one.
 */
import type { WorkflowRunFact } from "../../src/github/terraform-artifact.js";

type Json = Record<string, unknown>;

/** A successful scheduled run of the drift workflow on `master`, six hours before 2026-03-10T12:00Z: the plan it uploaded is fresh. */
export const SCHEDULED_PLAN_RUN: WorkflowRunFact = {
  id: 1,
  conclusion: "success",
  status: "completed",
  html_url: "https://github.com/o/r/actions/runs/1",
  head_sha: "abc",
  head_branch: "master",
  event: "schedule",
  fromThisRepository: true,
  updated_at: "2026-03-10T06:00:00Z",
};

export interface PlanEntry {
  address: string;
  actions: string[];
  before?: Json | null;
  after?: Json | null;
  replacePaths?: string[][];
  actionReason?: string;
  deposed?: string;
}

/** `module.db.aws_instance.this[0]` → module `module.db`, type `aws_instance`, name `this`, index 0. */
function parts(address: string): { module_address?: string; mode: string; type: string; name: string; index?: number | string } {
  const match = /^((?:module\.[\w-]+(?:\[[^\]]+\])?\.)*)(data\.)?([\w-]+)\.([\w-]+)(?:\[(\d+|"[^"]*")\])?$/.exec(address);
  if (!match) throw new Error(`not an address: ${address}`);
  const [, modules = "", data, type = "", name = "", index] = match;
  return {
    ...(modules ? { module_address: modules.slice(0, -1) } : {}),
    mode: data ? "data" : "managed",
    type,
    name,
    ...(index === undefined ? {} : { index: /^\d+$/.test(index) ? Number(index) : JSON.parse(index) as string }),
  };
}

export function planEntry(entry: PlanEntry): Json {
  const before = entry.before === undefined ? (entry.actions.includes("create") && entry.actions.length === 1 ? null : { id: "i-0abc", instance_type: "t3.small" }) : entry.before;
  const after = entry.after === undefined ? (entry.actions.join() === "delete" ? null : { id: "i-0abc", instance_type: "t3.medium" }) : entry.after;
  return {
    address: entry.address,
    ...parts(entry.address),
    provider_name: "registry.terraform.io/hashicorp/aws",
    ...(entry.deposed ? { deposed: entry.deposed } : {}),
    ...(entry.actionReason ? { action_reason: entry.actionReason } : {}),
    change: {
      actions: entry.actions,
      before,
      after,
      after_unknown: {},
      before_sensitive: before ? {} : false,
      after_sensitive: after ? {} : false,
      ...(entry.replacePaths ? { replace_paths: entry.replacePaths } : {}),
    },
  };
}

export function planJson(entries: PlanEntry[], extra: Json = {}): string {
  return JSON.stringify({
    format_version: "1.2",
    terraform_version: "1.9.5",
    planned_values: { root_module: {} },
    resource_changes: entries.map(planEntry),
    configuration: { root_module: {} },
    timestamp: "2026-12-01T10:00:00Z",
    applyable: true,
    complete: true,
    errored: false,
    ...extra,
  });
}
