import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createRedactor, secretsOf } from "../../src/redact.js";

const KEY = "sk-proj-Abc123Def456Ghi789Jkl012";
const TOKEN = "team-server-token-0123456789";

describe("redacting secrets from outside text", () => {
  const redact = createRedactor(
    secretsOf(
      loadConfig({
        OPENAI_API_KEY: KEY,
        PLANDRAFT_API_TOKEN: TOKEN,
        DATABASE_URL: "postgres://plans:db-pass-w0rd!@db.internal:5432/plans",
      }),
    ),
  );

  it.each([
    ["an echoed key", `Incorrect API key provided: ${KEY}.`],
    ["an echoed header", `invalid header Authorization: Bearer ${KEY}`],
    ["a URL-encoded key", `GET /v1/models?key=${encodeURIComponent(KEY)}`],
    ["the API token", `token ${TOKEN} was refused`],
    ["the database password", "auth failed for plans with db-pass-w0rd!"],
    ["a key in a JSON body", `{"error":{"message":"bad","api_key":"${KEY}"}}`],
  ])("takes out %s", (_what, text) => {
    const clean = redact(text);
    expect(clean).toContain("[redacted]");
    for (const secret of [KEY, TOKEN, "db-pass-w0rd!", encodeURIComponent(KEY)]) {
      expect(clean).not.toContain(secret);
    }
  });

  it.each([
    ["another provider's key", "key AIzaSyA1234567890abcdefghijklmnopqrstuv is invalid"],
    ["a bearer token it was not told about", "Authorization: Bearer eyJhbGciOi.J9xyz.abc123"],
    ["a password pair", "connect failed: password=hunter2hunter2"],
    ["credentials in a URL", "cannot reach https://user:s3cr3tpass@proxy.example/v1"],
    ["a GitHub token", "ghp_abcdefghijklmnopqrstuvwxyz0123456789 expired"],
  ])("takes out %s by its shape", (_what, text) => {
    expect(redact(text)).toContain("[redacted]");
    expect(redact(text)).not.toMatch(/AIzaSyA1|eyJhbGciOi|hunter2hunter2|s3cr3tpass|ghp_abcdef/);
  });

  it("leaves ordinary error text as it was", () => {
    const text = "the model server answered 429 for testing: Rate limit reached, retry in 2s";
    expect(redact(text)).toBe(text);
  });
});
