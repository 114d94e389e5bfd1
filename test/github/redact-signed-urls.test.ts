import { RequestError } from "@octokit/request-error";
import { RedactedRequestError, redactRequestError, redactSignedUrls, redactingErrSerializer } from "../../src/github/redact-signed-urls.js";

const AZURE = "https://productionresultssa3.blob.core.windows.net/actions-results/7f0c/plan.zip?sv=2025-01-05&se=2026-03-10T06%3A00%3A00Z&sr=b&sp=r&sig=Zm9yZ2Vk%2BU2ln%3D";
const S3 = "https://ghes-artifacts.s3.amazonaws.com/plan.zip?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20260310%2Fus-east-1&X-Amz-Signature=abcdef0123456789";

describe("redactSignedUrls", () => {
  test.each([
    ["Azure SAS", AZURE, "https://productionresultssa3.blob.core.windows.net/actions-results/7f0c/plan.zip?sv=2025-01-05&se=2026-03-10T06%3A00%3A00Z&sr=b&sp=r&sig=[REDACTED]"],
    ["S3 presigned", S3, "https://ghes-artifacts.s3.amazonaws.com/plan.zip?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=[REDACTED]&X-Amz-Signature=[REDACTED]"],
    ["a token in a query", "https://example.com/x?token=ghs_abc&page=2", "https://example.com/x?token=[REDACTED]&page=2"],
    ["quoted in XML", `<Message>at ${AZURE}</Message>`, expect.stringMatching(/sig=\[REDACTED\]<\/Message>$/)],
    ["upper case", "https://x/y?SIG=abc", "https://x/y?SIG=[REDACTED]"],
    ["no signed URL", "GET /repos/o/r/issues?per_page=100 - 500", "GET /repos/o/r/issues?per_page=100 - 500"],
  ])("%s", (_name, text, expected) => {
    expect(redactSignedUrls(text)).toEqual(expected);
  });
});

describe("redactRequestError", () => {
  test("keeps the status and a redacted message; drops the request, the response and the cause", () => {
    const original = new RequestError(`Server failed to authenticate ${AZURE}`, 403, {
      request: { method: "GET", url: "https://api.github.com/repos/o/r/actions/artifacts/1/zip", headers: {} },
      response: { url: AZURE, status: 403, headers: {}, data: "" },
    });
    const redacted = redactRequestError(original, "the download failed");
    expect(redacted).toBeInstanceOf(RedactedRequestError);
    expect(redacted).toMatchObject({ status: 403, message: expect.stringMatching(/^the download failed: Server failed to authenticate .*sig=\[REDACTED\]$/) });
    expect(Object.keys(redacted).sort()).toEqual(["name", "status"]);
    expect(redacted.cause).toBeUndefined();
  });

  test("a thrown value that is not an Error has no status", () => {
    expect(redactRequestError(`boom ${AZURE}`, "x")).toMatchObject({ status: undefined, message: expect.stringContaining("sig=[REDACTED]") });
  });
});

describe("redactingErrSerializer", () => {
  test("an Octokit error whose response names the signed URL: serialized without the signature, everything else kept", () => {
    const error = new RequestError("Unknown error", 500, {
      request: { method: "GET", url: "https://api.github.com/repos/o/r/actions/artifacts/1/zip", headers: {} },
      response: { url: AZURE, status: 500, headers: { "x-ms-request-id": "abc" }, data: "" },
    });
    error.cause = new Error(`fetch failed for ${S3}`);
    const serialized = JSON.stringify(redactingErrSerializer(error));
    expect(serialized).not.toContain("Zm9yZ2Vk");
    expect(serialized).not.toContain("abcdef0123456789");
    expect(serialized).toContain("sig=[REDACTED]");
    expect(serialized).toContain("x-ms-request-id");
    expect(serialized).toContain("/repos/o/r/actions/artifacts/1/zip");
  });

  test("values that are not errors pass through", () => {
    expect(redactingErrSerializer("plain")).toBe("plain");
    expect(redactingErrSerializer(undefined)).toBeUndefined();
  });
});
