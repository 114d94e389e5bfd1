/**
 * GitHub's GraphQL rate-limit cost of a query, by its published formula ("Calculating a rate
 * limit score before running the call"): every connection (a field with a `first` or `last`
 * argument) needs as many requests as there are nodes of its parent connections, assuming each
 * reaches its `first`/`last`; the requests are summed, divided by 100 and rounded; at least 1.
 * The fake GitHub charges this for each query, so that the bench counts what GitHub would.
 */
import { Kind, parse, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from "graphql";

function numberOf(value: ValueNode, variables: Record<string, unknown>): number | null {
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const bound = variables[value.name.value];
    return typeof bound === "number" ? bound : null;
  }
  return null;
}

/** The number of requests of every connection under `selection`, each parent's nodes multiplying its children. */
function requestsOf(selection: SelectionSetNode, params: { multiplier: number; variables: Record<string, unknown>; fragments: Map<string, FragmentDefinitionNode> }): number {
  let requests = 0;
  for (const node of selection.selections) {
    if (node.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = params.fragments.get(node.name.value);
      if (fragment) requests += requestsOf(fragment.selectionSet, params);
      continue;
    }
    if (node.kind === Kind.INLINE_FRAGMENT) {
      requests += requestsOf(node.selectionSet, params);
      continue;
    }
    const limit = (node.arguments ?? []).filter((a) => a.name.value === "first" || a.name.value === "last").map((a) => numberOf(a.value, params.variables))[0];
    const isConnection = limit !== undefined;
    if (isConnection) requests += params.multiplier;
    if (node.selectionSet) requests += requestsOf(node.selectionSet, { ...params, multiplier: isConnection ? params.multiplier * (limit ?? 100) : params.multiplier });
  }
  return requests;
}

/** The points GitHub charges for `query` with `variables`; a query that does not parse costs 1. */
export function graphqlPoints(query: string, variables: Record<string, unknown> = {}): number {
  let document;
  try {
    document = parse(query);
  } catch {
    return 1;
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  let requests = 0;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) requests += requestsOf(definition.selectionSet, { multiplier: 1, variables, fragments });
  }
  return Math.max(1, Math.round(requests / 100));
}
