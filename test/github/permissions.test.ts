import { checkAllowed, type AllowedActors } from "../../src/github/permissions.js";
import { nockGateway, setUpGatewayNock } from "../helpers/nock-harness.js";

const OWNER = "octo";
const REPO = "app";
const REPO_PATH = `/repos/${OWNER}/${REPO}`;

setUpGatewayNock();

const WRITE: AllowedActors = { permission: "write", teams: [], users: [] };

describe("checkAllowed", () => {
  test("a listed user (any case): allowed without a call", async () => {
    const { gw, requests } = nockGateway();
    expect(await checkAllowed(gw, "Alice", { ...WRITE, users: ["alice"] })).toEqual({ allowed: true, reason: "@Alice is listed in users" });
    expect(requests).toEqual([]);
  });

  test.each([
    ["admin", "admin", "admin", "write", true, "admin"],
    ["write", "write", "write", "write", true, "write"],
    ["maintain (role_name) against maintain", "write", "maintain", "maintain", true, "maintain"],
    ["write against maintain", "write", "write", "maintain", false, "write"],
    ["triage (role_name) against write", "read", "triage", "write", false, "triage"],
    ["triage (role_name) against triage", "read", "triage", "triage", true, "triage"],
    ["read", "read", "read", "write", false, "read"],
    ["a custom role: its base permission", "write", "deployer", "write", true, "write"],
  ] as const)("%s", async (_name, permission, roleName, needed, allowed, shown) => {
    const { gw, api } = nockGateway();
    api.get(`${REPO_PATH}/collaborators/alice/permission`).reply(200, { permission, role_name: roleName });
    const result = await checkAllowed(gw, "alice", { ...WRITE, permission: needed });
    expect(result.allowed).toBe(allowed);
    expect(result.reason).toBe(`@alice has ${shown} permission (${needed} needed)`);
  });

  test("not a collaborator (404): none, not allowed", async () => {
    const { gw, api } = nockGateway();
    api.get(`${REPO_PATH}/collaborators/eve/permission`).reply(404, { message: "Not Found" });
    expect(await checkAllowed(gw, "eve", WRITE)).toEqual({ allowed: false, reason: "@eve has no access to the repository (write needed)" });
  });

  test("another error reaches the caller (it fails closed)", async () => {
    const { gw, api } = nockGateway();
    api.get(`${REPO_PATH}/collaborators/eve/permission`).reply(502, { message: "Bad Gateway" });
    await expect(checkAllowed(gw, "eve", WRITE)).rejects.toMatchObject({ status: 502 });
  });

  test("teams in order until one says yes; pending membership does not count", async () => {
    const { gw, api, requests } = nockGateway();
    api
      .get(`${REPO_PATH}/collaborators/bob/permission`)
      .reply(200, { permission: "read", role_name: "read" })
      .get(`/orgs/${OWNER}/teams/sre/memberships/bob`)
      .reply(200, { state: "pending", role: "member" })
      .get(`/orgs/${OWNER}/teams/oncall/memberships/bob`)
      .reply(200, { state: "active", role: "member" });
    const result = await checkAllowed(gw, "bob", { ...WRITE, teams: ["sre", "oncall", "never-asked"] });
    expect(result).toEqual({ allowed: true, reason: "@bob is a member of team oncall" });
    expect(requests).toHaveLength(3);
  });

  test("in no team: the reason names the teams", async () => {
    const { gw, api } = nockGateway();
    api
      .get(`${REPO_PATH}/collaborators/bob/permission`)
      .reply(200, { permission: "read", role_name: "read" })
      .get(`/orgs/${OWNER}/teams/sre/memberships/bob`)
      .reply(404, { message: "Not Found" });
    expect(await checkAllowed(gw, "bob", { ...WRITE, teams: ["sre"] })).toEqual({
      allowed: false,
      reason: "@bob has read permission (write needed) and is in none of the teams sre",
    });
  });
});
