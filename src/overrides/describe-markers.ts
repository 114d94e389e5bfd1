import type { FoundMarker, MarkerLocation } from "../markers/collect-markers.js";
import { escapeInlineText } from "../markdown/escape-markdown.js";

export function describeLocation(location: MarkerLocation): string {
  switch (location.source) {
    case "title":
      return "PR title";
    case "body":
      return "PR body";
    case "commit":
      return `commit ${location.sha.slice(0, 7)}`;
  }
}

/** Locations of one marker; a PR with hundreds of marked commits does not make a huge table. */
const MAX_LOCATIONS_LISTED = 5;

export function describeLocations(locations: readonly MarkerLocation[]): string {
  const shown = locations.slice(0, MAX_LOCATIONS_LISTED).map(describeLocation).join(", ");
  const rest = locations.length - MAX_LOCATIONS_LISTED;
  return rest > 0 ? `${shown} and ${rest} more` : shown;
}

export function renderMarkerTable(markers: readonly FoundMarker[]): string {
  const rows = markers.map((m) => `| \`${m.name}\` | ${escapeInlineText(m.written, 80)} | ${describeLocations(m.locations)} |`);
  return ["| Marker | Written as | Found in |", "| --- | --- | --- |", ...rows].join("\n");
}

export function markerNames(markers: ReadonlyArray<{ name: string }>): string {
  return markers.map((m) => m.name).join(", ");
}
