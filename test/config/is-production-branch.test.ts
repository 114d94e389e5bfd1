import { branchOfRef, isProductionBranch } from "../../src/config/is-production-branch.js";

describe("isProductionBranch", () => {
  test.each([
    ["[] means the default branch", [], "main", true],
    ["[] means the default branch only", [], "release/1.0", false],
    ["an exact name", ["main"], "main", true],
    ["an exact name is not a prefix", ["main"], "main-old", false],
    ["a listed name replaces the default branch", ["production"], "main", false],
    ["a glob", ["release/*"], "release/1.0", true],
    ["a glob does not cross /", ["release/*"], "release/1.0/hotfix", false],
    ["a glob needs its prefix", ["release/*"], "prerelease/1.0", false],
    ["** crosses /", ["release/**"], "release/1.0/hotfix", true],
    ["one of several", ["main", "release/*"], "release/2", true],
    ["none of several", ["main", "release/*"], "feature/x", false],
    ["a dot-named branch matches a glob", ["release/*"], "release/.hidden", true],
    ["matching is case-sensitive, as Git is", ["main"], "Main", false],
  ])("%s", (_name, branches, branch, expected) => {
    expect(isProductionBranch({ branch, defaultBranch: "main", production: { branches } })).toBe(expected);
  });
});

describe("branchOfRef", () => {
  test.each([
    ["refs/heads/main", "main"],
    ["refs/heads/release/1.0", "release/1.0"],
    ["refs/tags/v1.0", null],
    ["refs/pull/1/head", null],
    ["main", null],
    ["refs/remotes/origin/refs/heads/x", null],
  ])("%s → %s", (ref, branch) => {
    expect(branchOfRef(ref)).toBe(branch);
  });
});
