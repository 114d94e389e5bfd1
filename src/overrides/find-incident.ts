import { RE2JS } from "re2js";
import type { Config } from "../config/schema.js";
import { escapeInlineText } from "../markdown/escape-markdown.js";

/** The incident an override names: its id as found in the justification, and its link when `incident.url` is set. */
export interface Incident {
  id: string;
  url: string | null;
}

/**
 * How much of the justification the pattern is run on. The pattern runs on RE2 (re2js), in time
 * linear in the text, whatever its nesting: a PR author cannot make a pattern hang the app.
 */
export const INCIDENT_SEARCH_LIMIT = 10_000;
/** An id longer than this is not an id (a pattern such as `.+` swallowed the text). */
const MAX_INCIDENT_ID_LENGTH = 100;

/**
 * The first incident id `incident.pattern` finds in the justification (the whole match), with its
 * link (`incident.url`, `{id}` replaced by the id, URL-encoded). null: no pattern, no
 * justification, or no match. Pure.
 */
export function findIncident(justification: string | null, incident: Config["overrides"]["incident"]): Incident | null {
  if (!incident.pattern || !justification) return null;
  let id: string | undefined;
  try {
    const matcher = RE2JS.compile(incident.pattern).matcher(justification.slice(0, INCIDENT_SEARCH_LIMIT));
    id = matcher.find() ? matcher.group()?.trim() : undefined;
  } catch {
    return null; // the schema refuses such a pattern; a pattern that cannot run finds nothing (fail closed)
  }
  if (!id || id.length > MAX_INCIDENT_ID_LENGTH) return null;
  return { id, url: incident.url ? incident.url.split("{id}").join(encodeURIComponent(id)) : null };
}

/** The incident as markdown: its id escaped (it is the author's text), linked when there is a URL. */
export function renderIncident(incident: Incident): string {
  const text = escapeInlineText(incident.id, MAX_INCIDENT_ID_LENGTH);
  return incident.url ? `[${text}](${incident.url})` : text;
}

/** The incident requirement's line when `incident.required` is true. */
export function incidentRequirement(incident: Incident | null, config: Config["overrides"]["incident"]): { met: boolean; detail: string } {
  if (incident) return { met: true, detail: `incident ${renderIncident(incident)} named in the justification` };
  if (!config.pattern) return { met: false, detail: "no incident can be named: overrides.incident.pattern is not set (or is invalid)" };
  return { met: false, detail: `the justification names no incident matching \`${config.pattern.replace(/`/g, "'")}\`` };
}
