import type { Probot } from "probot";

/**
 * The app's own bot login, resolved lazily; undefined when GitHub could not be asked. The
 * resolver of a running app also knows the app's numeric id (`appId`), from the same answer: a
 * login built by hand (a test, a scan that already knows it) has none, and whatever needs the id
 * then trusts no check run (fail closed).
 */
export type AppLogin = (() => Promise<string | undefined>) & { appId?: () => Promise<number | undefined> };

interface AppIdentity {
  login: string;
  id: number | undefined;
}

/**
 * The app's own bot login (`<slug>[bot]`) and id, asked of GitHub once per process (`GET /app`)
 * and only when needed, so that the app never reports itself and tells its own check runs from
 * anyone else's.
 */
export function appLoginResolver(app: Pick<Probot, "auth" | "log">): AppLogin {
  let identity: Promise<AppIdentity | undefined> | undefined;
  const resolve = (): Promise<AppIdentity | undefined> => {
    identity ??= app
      .auth()
      .then(async (octokit) => {
        const { data } = await octokit.rest.apps.getAuthenticated();
        return data?.slug ? { login: `${data.slug}[bot]`, id: typeof data.id === "number" ? data.id : undefined } : undefined;
      })
      .catch((error: unknown) => {
        app.log.warn({ err: error }, "could not learn the app's own login; it is not exempted this time");
        identity = undefined;
        return undefined;
      });
    return identity;
  };
  return Object.assign(async () => (await resolve())?.login, { appId: async () => (await resolve())?.id });
}
