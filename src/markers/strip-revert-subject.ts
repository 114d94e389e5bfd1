import { blankRanges } from "./blank-ranges.js";
import { revertSubjectRanges } from "./revert-subject-ranges.js";

/**
 * Blanks the quoted subject line of a revert commit, keeping offsets. The rest of the message is
 * plain text: a commit message is not markdown.
 */
export function stripRevertSubject(message: string): string {
  return blankRanges(message, revertSubjectRanges(message));
}
