import { authorizePeople, MAX_PEOPLE_CHECKED } from "../../src/overrides/authorize-people.js";
import { nockGateway, setUpGatewayNock } from "../helpers/nock-harness.js";

setUpGatewayNock();

const ALLOWED = { permission: "maintain" as const, teams: [], users: ["octocat"] };
const permission = (api: ReturnType<typeof nockGateway>["api"], login: string, role: string) =>
  api.get(`/repos/octo/app/collaborators/${login}/permission`).reply(200, { permission: role, role_name: role });

describe("authorizePeople", () => {
  test("the actor alone is named as before, without roles", async () => {
    const { gw, api } = nockGateway();
    permission(api, "mary", "maintain");
    expect(await authorizePeople(gw, [{ login: "mary", roles: ["PR author", "author of commit 1234567"], actor: true }], ALLOWED)).toEqual({
      allowed: true,
      reason: "@mary has maintain permission (maintain needed)",
    });
  });

  test("several people, all allowed: each named with their roles; a listed user costs no call", async () => {
    const { gw, api, requests } = nockGateway();
    permission(api, "mary", "admin");
    const result = await authorizePeople(
      gw,
      [
        { login: "mary", roles: ["PR author"], actor: true },
        { login: "octocat", roles: ["added it to the body"] },
      ],
      ALLOWED,
    );
    expect(result).toEqual({ allowed: true, reason: "@mary (PR author) has admin permission (maintain needed); @octocat (added it to the body) is listed in users" });
    expect(requests).toHaveLength(1);
  });

  test("only those not allowed are named when someone is not", async () => {
    const { gw, api } = nockGateway();
    permission(api, "mary", "maintain");
    permission(api, "walt", "write");
    const result = await authorizePeople(
      gw,
      [
        { login: "mary", roles: ["PR author"], actor: true },
        { login: "walt", roles: ["author of commit 1234567", "pushed commit 1234567"] },
        { login: null, roles: ["author of commit abcdef0"] },
      ],
      ALLOWED,
    );
    expect(result).toEqual({
      allowed: false,
      reason:
        "@walt (author of commit 1234567; pushed commit 1234567) has write permission (maintain needed); an unknown author (author of commit abcdef0: GitHub ties it to no login) is not allowed",
    });
  });

  test(`more than ${MAX_PEOPLE_CHECKED} people: not allowed, without a call`, async () => {
    const { gw, requests } = nockGateway();
    const people = Array.from({ length: MAX_PEOPLE_CHECKED + 1 }, (_, i) => ({ login: `user${i}`, roles: ["author of commit 1234567"] }));
    expect(await authorizePeople(gw, people, ALLOWED)).toEqual({
      allowed: false,
      reason: `${MAX_PEOPLE_CHECKED + 1} people could have introduced a marker, more than the ${MAX_PEOPLE_CHECKED} Pipeline Guard checks one by one`,
    });
    expect(requests).toEqual([]);
  });
});
