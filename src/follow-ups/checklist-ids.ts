import { FOLLOW_UP_ITEMS } from "../config/schema.js";
import { inlineLiteral } from "../markdown/inline-literal.js";

/**
 * The boxes of a follow-up's checklist: one per follow-up item of its markers, then one per
 * immutable resource whose replacement an allowed `[emergency-deploy]` override deferred (issue
 * #13), `replace-0`, `replace-1`, … in the order of the state's `replace` addresses. A box is
 * named by its index, never by its address: an address can hold any text (a `for_each` key), and
 * the box's hidden tag must not.
 */
export type ReplaceItemId = `replace-${number}`;

/**
 * The named boxes a follow-up can hold: the markers' `follow_up` items, and `approval`, the **Second
 * approval** of a direct push made under `overrides.approval.required > 0` (it could not be approved
 * beforehand). Not a configuration item: nobody asks for it in `follow_up`, the two-person rule does.
 */
export const FOLLOW_UP_BOXES = [...FOLLOW_UP_ITEMS, "approval"] as const;
export type FollowUpBox = (typeof FOLLOW_UP_BOXES)[number];
export type ChecklistId = FollowUpBox | ReplaceItemId;

/** `replace-N`: at most three digits, as the state keeps at most 50 addresses. */
export const REPLACE_ITEM_ID = /^replace-\d{1,3}$/;

export function replaceItemId(index: number): ReplaceItemId {
  return `replace-${index}`;
}

/** Every box of the state, its items' first. */
export function checklistIds(state: { items: readonly FollowUpBox[]; replace?: readonly string[] | undefined }): ChecklistId[] {
  return [...state.items, ...(state.replace ?? []).map((_, index) => replaceItemId(index))];
}

/** The address a replace box stands for, or null when the id is an item or out of range. */
export function replaceAddressOf(id: ChecklistId, replace: readonly string[] | undefined): string | null {
  const match = /^replace-(\d+)$/.exec(id);
  return match ? (replace?.[Number(match[1])] ?? null) : null;
}

/** How a comment names a box: `**review**`, or `**replace** \`ADDRESS\``. */
export function checklistName(id: ChecklistId, replace: readonly string[] | undefined): string {
  const address = replaceAddressOf(id, replace);
  return address === null ? `**${id}**` : `**replace** ${inlineLiteral(address)}`;
}

/** The text of a replace box (issue #13: "replace `ADDRESS` through the pipeline"). */
export function replaceItemText(address: string): string {
  return `**Replace** ${inlineLiteral(address)} through the pipeline: an \`[emergency-deploy]\` override deferred the immutable rule for it (patched in place or destroyed first); rebuild it from the production branch with ${inlineLiteral(`/pipeline-guard replace ${address}`, 320)}`;
}
