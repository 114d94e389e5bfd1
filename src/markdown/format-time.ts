/**
 * The one way the app writes a time for people: minutes, UTC, `2026-03-10 12:00 UTC`. Records keep
 * ISO times in their state; this is only how they are shown.
 */
export function formatUtcMinute(time: Date | string): string {
  const iso = typeof time === "string" ? time : time.toISOString();
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}
