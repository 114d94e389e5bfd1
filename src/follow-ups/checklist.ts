import { FOLLOW_UP_ITEMS, type FollowUpItem } from "../config/schema.js";

/**
 * The follow-up issue's checklist: one box per follow-up item, each line tagged with a hidden
 * `<!-- pipeline-guard:item NAME -->` so that people may reword it and it is still found.
 */
const ITEM_TAG = /<!-- pipeline-guard:item ([a-z]+) -->/;
const BOX = /^(\s*[-*+]\s+\[)([ xX])(\]\s)/;

export type Checklist = Partial<Record<FollowUpItem, boolean>>;

function isItem(name: string): name is FollowUpItem {
  return (FOLLOW_UP_ITEMS as readonly string[]).includes(name);
}

export function itemTag(item: FollowUpItem): string {
  return `<!-- pipeline-guard:item ${item} -->`;
}

export function parseChecklist(body: string | null | undefined): Checklist {
  const checklist: Checklist = {};
  for (const line of (body ?? "").split(/\r?\n/)) {
    const tag = ITEM_TAG.exec(line);
    const box = BOX.exec(line);
    if (tag && box && isItem(tag[1] ?? "")) checklist[tag[1] as FollowUpItem] = box[2] !== " ";
  }
  return checklist;
}

/** The body with one item's box set; lines of other items and hand-written text stay as they are. */
export function setChecklistItem(body: string, item: FollowUpItem, ticked: boolean): string {
  return body
    .split("\n")
    .map((line) => (line.includes(itemTag(item)) ? line.replace(BOX, `$1${ticked ? "x" : " "}$3`) : line))
    .join("\n");
}

export function uncheckedItems(checklist: Checklist): FollowUpItem[] {
  return FOLLOW_UP_ITEMS.filter((item) => checklist[item] === false);
}

/** Newly ticked between two versions of the body (an `issues.edited` event carries the old one). */
export function newlyTicked(before: Checklist, after: Checklist): FollowUpItem[] {
  return FOLLOW_UP_ITEMS.filter((item) => after[item] === true && before[item] !== true);
}
