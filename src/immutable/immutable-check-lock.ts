import type { Gateway } from "../github/gateway.js";
import { withKeyLock } from "../infrastructure/key-lock.js";

/**
 * Serializes what reads the `Pipeline Guard` verdict of a commit and writes its immutable check:
 * a plan run's judgement, a Re-run of the immutable check, and the step of each PR evaluation that
 * makes the immutable check follow the verdict it just wrote. A plan run reads the verdict in its
 * first call, before it knows the PR (and so before it could take the PR's lock): under this
 * lock, an evaluation that withdraws the override while the plan is read waits, then finds the
 * deferred check and takes it back (SPEC section 10, rule 13). Keyed by the head commit, which
 * the webhook names before any call. Lock order: a PR's lock, then this one; never the reverse.
 */
export function withImmutableCheckLock<T>(gw: Pick<Gateway, "owner" | "repo">, head: string, fn: () => Promise<T>): Promise<T> {
  return withKeyLock(`immutable-check ${gw.owner}/${gw.repo}@${head}`.toLowerCase(), fn);
}
