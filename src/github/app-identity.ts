import type { Probot } from "probot";

/** The app's own bot login, resolved lazily; undefined when GitHub could not be asked. */
export type AppLogin = () => Promise<string | undefined>;

/**
 * The app's own bot login (`<slug>[bot]`), asked of GitHub once per process and only when a bot
 * is the actor of something that could be reported, so that the app never reports itself.
 */
export function appLoginResolver(app: Pick<Probot, "auth" | "log">): AppLogin {
  let login: Promise<string | undefined> | undefined;
  return () => {
    login ??= app
      .auth()
      .then(async (octokit) => {
        const { data } = await octokit.rest.apps.getAuthenticated();
        return data?.slug ? `${data.slug}[bot]` : undefined;
      })
      .catch((error: unknown) => {
        app.log.warn({ err: error }, "could not learn the app's own login; it is not exempted this time");
        login = undefined;
        return undefined;
      });
    return login;
  };
}
