/**
 * A pull request as the runs → PR GraphQL query answers it (`src/github/run-pull-requests.ts`):
 * the shape the immutable check's tests (the plan run and Re-run) hand to their mocked query.
 */
export interface PullNodeOptions {
  headSha?: string;
  baseRef?: string;
  /** The head's repository; null: a deleted fork. */
  headRepo?: string | null;
  /** Defaults to whether `headRepo` is another repository. */
  isCrossRepository?: boolean;
  files?: string[];
  changedFiles?: number;
}

export function pullNode(repository: string, head: string, options: PullNodeOptions = {}) {
  const files = options.files ?? ["main.tf"];
  const headRepo = options.headRepo === undefined ? repository : options.headRepo;
  return {
    number: 12,
    headRefOid: options.headSha ?? head,
    baseRefName: options.baseRef ?? "master",
    isCrossRepository: options.isCrossRepository ?? (headRepo !== null && headRepo !== repository),
    headRepository: headRepo === null ? null : { nameWithOwner: headRepo },
    changedFiles: options.changedFiles ?? files.length,
    files: { nodes: files.map((path) => ({ path })) },
  };
}
