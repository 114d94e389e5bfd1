import type { Gateway } from "../github/gateway.js";
import { checkAllowed, type AllowedActors } from "../github/permissions.js";
import type { Authorization } from "./evaluate-override.js";
import type { MarkerPerson } from "./introducers.js";

/**
 * At most this many people are looked up one by one (a permission call each, and a call per team):
 * a change that many people could have put a marker into is not allowed, so that a branch of a
 * thousand commits by a thousand authors cannot cost a thousand calls. 20 is far above what an
 * emergency fix involves.
 */
export const MAX_PEOPLE_CHECKED = 20;

const describe = (person: MarkerPerson) => person.roles.join("; ");

/** `@walt has write permission (maintain needed)` → `@walt (author of commit 1234567) has write permission (maintain needed)`. */
function withRoles(person: MarkerPerson & { login: string }, reason: string): string {
  const name = `@${person.login}`;
  return reason.startsWith(name) ? `${name} (${describe(person)})${reason.slice(name.length)}` : `${reason} (${describe(person)})`;
}

/**
 * Rule 6 of SPEC section 10: allowed only when every person who could have introduced a marker is
 * allowed by `overrides.allowed`. `people` holds each login once (`markerPeople`), so there is one
 * permission call per distinct login (and teams as `checkAllowed` looks them up). A commit author GitHub ties to no login
 * is not allowed. The reason names who was not allowed and why, or, when all were, each of them.
 * Errors propagate: the caller fails closed.
 */
export async function authorizePeople(gw: Gateway, people: readonly MarkerPerson[], allowed: AllowedActors): Promise<Authorization> {
  if (people.length > MAX_PEOPLE_CHECKED) {
    return { allowed: false, reason: `${people.length} people could have introduced a marker, more than the ${MAX_PEOPLE_CHECKED} Pipeline Guard checks one by one` };
  }
  const results: Array<{ person: MarkerPerson; authorization: Authorization; plain: string }> = [];
  for (const person of people) {
    if (person.login === null) {
      const reason = `an unknown author (${describe(person)}: GitHub ties it to no login) is not allowed`;
      results.push({ person, authorization: { allowed: false, reason }, plain: reason });
      continue;
    }
    const authorization = await checkAllowed(gw, person.login, allowed);
    results.push({ person, authorization: { ...authorization, reason: withRoles({ ...person, login: person.login }, authorization.reason) }, plain: authorization.reason });
  }
  const refused = results.filter((r) => !r.authorization.allowed);
  const shown = refused.length > 0 ? refused : results;
  const [only] = shown;
  // The actor alone (who also wrote the commits, in the usual case) reads as `checkAllowed` says it:
  // `@alice has write permission (write needed)`; roles tell people apart only where there are several.
  const reasons = shown.length === 1 && only?.person.actor ? [only.plain] : shown.map((r) => r.authorization.reason);
  return { allowed: refused.length === 0, reason: reasons.join("; ") };
}
