import type { DriftItem } from "./drift-item.js";

/** Something the scan could not read: a drift item of kind `scan`, with what to do about it. */
export const scanProblem = (id: string, title: string, fix: string): DriftItem => ({ id: `scan:${id}`, kind: "scan", title, details: [], fix });
