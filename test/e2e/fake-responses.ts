/**
 * Answers of the fake GitHub in GitHub's forms: JSON bodies, errors as
 * `{message, documentation_url}` (422s with `errors` and `status`), and list pagination with
 * `per_page` / `page` and a `Link` header.
 */
export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body sent as it is (a raw file, a zip), with its own content type in `headers`. */
  raw?: string | Uint8Array;
}

const DOCS = "https://docs.github.com/rest";

export function ok(body: unknown, status = 200): FakeResponse {
  return { status, body };
}

export function noContent(): FakeResponse {
  return { status: 204 };
}

export function error(status: number, message: string, doc = ""): FakeResponse {
  return { status, body: { message, documentation_url: `${DOCS}${doc}`, status: String(status) } };
}

export function notFound(doc = ""): FakeResponse {
  return error(404, "Not Found", doc);
}

export function validationFailed(errors: Array<Record<string, unknown>>, doc = "", message = "Validation Failed"): FakeResponse {
  return { status: 422, body: { message, errors, documentation_url: `${DOCS}${doc}`, status: "422" } };
}

/** GitHub's default page size, and its largest. */
const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;

/**
 * One page of `items`, as GitHub pages a list: `per_page` (default 30, at most 100) and `page`
 * (from 1), with `Link` relations first/prev/next/last pointing at the same URL with another
 * page. `wrap` puts the page in an object (`{total_count, workflow_runs}`) where GitHub does.
 */
export function paginate<T>(url: URL, items: readonly T[], wrap?: (page: T[], total: number) => unknown): FakeResponse {
  const perPage = Math.min(Math.max(Number(url.searchParams.get("per_page")) || DEFAULT_PER_PAGE, 1), MAX_PER_PAGE);
  const page = Math.max(Number(url.searchParams.get("page")) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (n: number, rel: string) => {
    const target = new URL(url);
    target.searchParams.set("per_page", String(perPage));
    target.searchParams.set("page", String(n));
    return `<${target.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, "prev"));
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"));
  return { status: 200, body: wrap ? wrap(slice, items.length) : slice, headers: links.length > 0 ? { link: links.join(", ") } : {} };
}
