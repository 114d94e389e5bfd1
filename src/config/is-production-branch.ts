import picomatch from "picomatch";
import type { Config } from "./schema.js";

/** A branch matched by `production.branches`; an empty list means the repository's default branch. */
export function isProductionBranch(params: {
  branch: string;
  defaultBranch: string;
  production: Pick<Config["production"], "branches">;
}): boolean {
  const { branch, defaultBranch, production } = params;
  if (production.branches.length === 0) return branch === defaultBranch;
  return picomatch.isMatch(branch, production.branches, { dot: true });
}

/** A ref such as `refs/heads/main` as a branch name, or null for tags and other refs. */
export function branchOfRef(ref: string): string | null {
  const prefix = "refs/heads/";
  return ref.startsWith(prefix) ? ref.slice(prefix.length) : null;
}
