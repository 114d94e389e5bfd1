import { FOLLOW_UP_BOXES, REPLACE_ITEM_ID, type ChecklistId } from "./checklist-ids.js";

/**
 * The boxes of a follow-up issue's checklist as a body shows them: one box per follow-up item,
 * each line tagged with a hidden `<!-- pipeline-guard:item NAME -->`. What the boxes *are* is the
 * record's state (src/follow-ups/record.ts); this only reads what someone ticked in an edit.
 */
const ITEM_TAG = /<!-- pipeline-guard:item ([a-z]+(?:-\d{1,3})?) -->/;
const BOX = /^(\s*[-*+]\s+\[)([ xX])(\]\s)/;

export type Checklist = Partial<Record<ChecklistId, boolean>>;

function isItem(name: string): name is ChecklistId {
  return (FOLLOW_UP_BOXES as readonly string[]).includes(name) || REPLACE_ITEM_ID.test(name);
}

export function itemTag(item: ChecklistId): string {
  return `<!-- pipeline-guard:item ${item} -->`;
}

export function parseChecklist(body: string | null | undefined): Checklist {
  const checklist: Checklist = {};
  for (const line of (body ?? "").split(/\r?\n/)) {
    const tag = ITEM_TAG.exec(line);
    const box = BOX.exec(line);
    if (tag && box && isItem(tag[1] ?? "")) checklist[tag[1] as ChecklistId] = box[2] !== " ";
  }
  return checklist;
}
