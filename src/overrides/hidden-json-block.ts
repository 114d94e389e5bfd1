import type { z } from "zod";

/**
 * A JSON value kept in a hidden HTML comment of the app's own check run's `text`, about one PR
 * head: the check memory, the override verdict and the immutable check's memory are each one.
 * This owns the shape every such block shares; each kind owns its name and schema.
 */
export interface HiddenJsonBlock {
  /** `<!-- pipeline-guard:NAME ` */
  open: string;
  /** ` -->` */
  close: string;
}

export function hiddenJsonBlock(name: string): HiddenJsonBlock {
  return { open: `<!-- pipeline-guard:${name} `, close: " -->" };
}

/** `<` and `>` are JSON-escaped so that no value can close the HTML comment early. */
export function renderHiddenJson(block: HiddenJsonBlock, value: unknown): string {
  return `${block.open}${JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e")}${block.close}`;
}

/**
 * The block's value in `text` when it is there, parses, fits the schema and is about this PR and
 * head; else null: a block that was cut, forged for another head or written by an older version
 * reads as no block at all.
 */
export function readHiddenJson<S extends z.ZodType<{ pr: number; head: string }>>(
  text: string | null | undefined,
  block: HiddenJsonBlock,
  schema: S,
  expected: { pr: number; head: string },
): z.output<S> | null {
  if (!text) return null;
  const start = text.indexOf(block.open);
  const end = start < 0 ? -1 : text.indexOf(block.close, start + block.open.length);
  if (end < 0) return null;
  let json: unknown;
  try {
    json = JSON.parse(text.slice(start + block.open.length, end));
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success || parsed.data.pr !== expected.pr || parsed.data.head.toLowerCase() !== expected.head.toLowerCase()) return null;
  return parsed.data;
}
