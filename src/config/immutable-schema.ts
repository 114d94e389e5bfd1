import { z } from "zod";

/** The default immutable resources: the compute that people patch by hand (SPEC section 11). */
export const DEFAULT_IMMUTABLE_RESOURCES = ["aws_instance.*", "aws_launch_template.*", "google_compute_instance.*", "azurerm_linux_virtual_machine.*"];

/**
 * `immutable` (issue #13): resources that are replaced, never patched in place, checked on each
 * PR's plan (src/immutable/). Off by default: it needs a plan workflow that runs on pull requests.
 */
export const immutableSchema = z
  .object({
    enabled: z.boolean().default(false).describe("check PR plans for in-place changes of immutable resources"),
    /** Address globs (`*` is the only wildcard); a bare type matches every address of that type. */
    resources: z
      .array(z.string().min(1).max(300))
      .default(DEFAULT_IMMUTABLE_RESOURCES)
      .describe("address globs (* only); a bare type matches every address of it; module.… patterns match the full address"),
    /** The workflow file that uploads a PR's plan JSON (`terraform show -json`), run on `pull_request`. */
    plan_workflow: z.string().default("").describe("workflow file that uploads a PR's plan JSON, e.g. plan.yml"),
    artifact: z.string().min(1).default("terraform-plan"),
    file: z.string().min(1).default("plan.json"),
    /** A replacement must create the new object before it destroys the old one. */
    create_before_destroy: z.boolean().default(true).describe("a replacement that destroys first fails"),
  })
  .strict()
  .prefault({});
