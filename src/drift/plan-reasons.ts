/**
 * The reason codes of `terraform show -json` / `tofu show -json`, in words. The format calls
 * them "display hints only": "Users of this must be prepared to encounter unrecognized reasons
 * and treat them as unspecified reasons" (developer.hashicorp.com/terraform/internals/json-format,
 * `action_reason`); an unknown code is shown as itself, escaped.
 *
 * Sources: the constants of internal/command/jsonplan/plan.go in hashicorp/terraform (1.15) and
 * opentofu/opentofu (1.12), and the words their own plan renderers print for each
 * (internal/command/jsonformat/plan.go: "is tainted, so must be replaced", "because enabled is
 * false", …).
 */
export const ACTION_REASONS: Readonly<Record<string, string>> = {
  // Terraform and OpenTofu.
  replace_because_tainted: "the object is tainted (its creation failed part-way, or `terraform taint` marked it)",
  replace_because_cannot_update: "an attribute cannot be updated in place",
  replace_by_request: "replacement was requested (`-replace`)",
  replace_by_triggers: "a `replace_triggered_by` reference changed",
  delete_because_no_resource_config: "its configuration is gone",
  delete_because_wrong_repetition: "its instance key does not fit the resource's `count` or `for_each`",
  delete_because_count_index: "its index is out of range for `count`",
  delete_because_each_key: "its key is not in the `for_each` map",
  delete_because_no_module: "its module is no longer in the configuration",
  delete_because_no_move_target: "a `moved` block moves it to an address that has no configuration",
  // Data sources only: a plan's reads are skipped, but a reason is never shown raw.
  read_because_config_unknown: "its configuration refers to values known only at apply",
  read_because_dependency_pending: "it depends on a resource with changes pending",
  read_because_check_nested: "it is read again for a `check` block",
  // OpenTofu only: the `enabled` meta-argument (1.11) and `lifecycle { destroy = false }` (1.12).
  delete_because_enabled_false: "its `enabled` argument is false",
  forgot_because_lifecycle_destroy_in_config: "`lifecycle { destroy = false }` is set in the configuration",
  forgot_because_lifecycle_destroy_in_state: "`lifecycle { destroy = false }` was set before it was removed from the configuration",
};

/**
 * `deferred_changes[].reason` (Terraform 1.9 and later, internal/command/jsonplan/plan.go
 * `DeferredReason*`), in the words of Terraform's renderer ("was deferred because …").
 */
export const DEFERRED_REASONS: Readonly<Record<string, string>> = {
  instance_count_unknown: "the number of its instances is not known yet",
  resource_config_unknown: "its configuration is not known yet",
  provider_config_unknown: "its provider configuration is not known yet",
  deferred_prereq: "something it depends on was deferred",
  absent_prereq: "something it depends on has not been created yet",
  unknown: "for a reason Terraform does not name",
};
