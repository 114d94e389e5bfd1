import { type Gateway, statusOf, write } from "./gateway.js";

/**
 * Dispatches a workflow on a branch. `workflow_dispatch` runs on a ref, not a commit, so the
 * commit goes as the input `sha` (the README's workflow checks it out). A workflow that
 * declares no such input answers 422; it is dispatched again without inputs, on the branch.
 */
export async function dispatchWorkflow(gw: Gateway, params: { workflow: string; ref: string; inputs: Record<string, string> }): Promise<void> {
  const dispatch = (inputs: Record<string, string> | undefined) =>
    write(
      gw,
      "dispatch workflow",
      { workflow: params.workflow, ref: params.ref, inputs },
      () => gw.octokit.rest.actions.createWorkflowDispatch({ owner: gw.owner, repo: gw.repo, workflow_id: params.workflow, ref: params.ref, ...(inputs ? { inputs } : {}) }),
      undefined,
    );
  try {
    await dispatch(params.inputs);
  } catch (error) {
    if (statusOf(error) !== 422 || Object.keys(params.inputs).length === 0) throw error;
    gw.log.warn({ workflow: params.workflow, inputs: Object.keys(params.inputs) }, "workflow refused the inputs; dispatched on the branch without them");
    await dispatch(undefined);
  }
}

/**
 * Dispatches a workflow with exactly these inputs, with no fallback: where running without the
 * inputs would do something else (a full apply instead of one resource's replacement), a refusal
 * must stay a refusal.
 */
export async function dispatchWorkflowExactly(gw: Gateway, params: { workflow: string; ref: string; inputs: Record<string, string> }): Promise<void> {
  await write(gw, "dispatch workflow", { workflow: params.workflow, ref: params.ref, inputs: params.inputs }, () =>
    gw.octokit.rest.actions.createWorkflowDispatch({ owner: gw.owner, repo: gw.repo, workflow_id: params.workflow, ref: params.ref, inputs: params.inputs }), undefined);
}

/** The workflow file name of a run's path: `.github/workflows/ci.yml` → `ci.yml`. */
export function workflowFileOf(path: string): string {
  return path.split("/").pop() ?? path;
}
