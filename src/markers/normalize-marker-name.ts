/**
 * The form marker names are compared in: `[Skip_Tests]`, `[skip-tests]` and `[skip tests]`
 * are one marker. Two spaces or spaces at the ends are rejected by the caller, not folded here.
 */
export function normalizeMarkerName(raw: string): string {
  return raw.toLowerCase().replace(/[_ ]/g, "-");
}
