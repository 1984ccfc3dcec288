// Generated requests against every route, as an attacker or a broken client would send them:
// no answer is a 5xx, every error is { code, message }, a refused request saves no draft, and
// without the token nothing of a draft is ever read.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixturePath } from "../support/drafting.js";
import { rawRequest, type RawAnswer } from "../support/raw-http.js";
import { watchEvents } from "../support/sse.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const FEATURE = readFileSync(fixturePath("watchlist-feature.md"), "utf8");
const TOKEN = "a-token-for-the-fuzz-suite-0001";
const SECRET = "Fuzz-secret-title-90210";
/** Requests per server: about 6 s each on this machine; PLANDRAFT_FUZZ_RUNS for a longer run. */
const RUNS = Number(process.env.PLANDRAFT_FUZZ_RUNS ?? 600);

interface Target {
  server: TestServer;
  auth: Record<string, string>;
  /** The draft only the token may read: drafted again if a request with the token deleted it. */
  seed(): Promise<string>;
}

async function target(env: Record<string, string>): Promise<Target> {
  // A generous rate limit: the fuzzer's drafts are many, and 429s would hide other answers.
  const server = await startTestServer({ PLANDRAFT_RATE_LIMIT: "100000", ...env });
  const auth: Record<string, string> = env.PLANDRAFT_API_TOKEN
    ? { authorization: `Bearer ${TOKEN}` }
    : {};
  let id: string | undefined;
  const seed = async () => {
    if (id && (await server.deps.drafts.get(id))) return id;
    const posted = await rawRequest(
      server.base,
      "POST",
      "/v1/drafts",
      { ...auth, "content-type": "application/json" },
      JSON.stringify({ feature: FEATURE, title: SECRET }),
    );
    id = (JSON.parse(posted.body) as { id: string }).id;
    await watchEvents(`${server.base}/v1/drafts/${id}/events`, auth).done;
    return id;
  };
  await seed();
  return { server, auth, seed };
}

/** Where a generated path names the seeded draft; replaced by its id when sent. */
const SEED = "{seed}";

// --- what the fuzzer sends -----------------------------------------------------------------

/** The routes with the method each answers; generated requests mostly keep the pair. */
const ROUTES: [method: string, path: string][] = [
  ["GET", "/v1/drafts"],
  ["POST", "/v1/drafts"],
  ["POST", "/v1/drafts"],
  ["POST", "/v1/drafts"],
  ["GET", "/v1/drafts/:id"],
  ["DELETE", "/v1/drafts/:id"],
  ["GET", "/v1/drafts/:id/events"],
  ["GET", "/v1/drafts/:id/plan.md"],
  ["POST", "/v1/drafts/:id/revisions"],
  ["POST", "/v1/drafts/:id/cancel"],
  ["GET", "/v1/config"],
  ["GET", "/"],
  ["GET", "/drafts"],
  ["GET", "/drafts/:id"],
  ["GET", "/healthz"],
  ["GET", "/readyz"],
  ["GET", "/docs"],
  ["GET", "/docs/json"],
  ["GET", "/assets/x.js"],
];
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** Characters Node's client lets through in a path, with the ones routers treat specially. */
const PATH_CHAR = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "/",
      ".",
      "..",
      "%",
      "%2e",
      "%2f",
      "%2F",
      "%00",
      "%ff",
      "%zz",
      ";",
      "?",
      "#",
    ),
  },
  {
    weight: 6,
    arbitrary: fc.string({ unit: fc.constantFrom(..."abcdefv1:@!$&'()*+,=-_~0123456789") }),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0x21, max: 0xff }).map((code) => String.fromCharCode(code)),
  },
);

/** A generated path: a template (with `{seed}` for the seeded draft's id), escaped when sent. */
interface Spelled {
  method: string;
  path: string;
  /** Which characters to percent-escape, bit by bit; none when undefined. */
  escapes: number | undefined;
  query: string;
}

/** The path as sent: the seeded draft's id in place, then some characters escaped. */
function pathOf({ path, escapes, query }: Spelled, id: string): string {
  const named = path.replaceAll(SEED, id).replaceAll(SEED8, id.slice(0, 8));
  const escaped =
    escapes === undefined
      ? named
      : [...named]
          .map((c, i) =>
            (escapes >> (i % 16)) & 1 && c !== "/" ? `%${c.charCodeAt(0).toString(16)}` : c,
          )
          .join("");
  return escaped.includes("?") ? escaped : `${escaped}${query}`;
}

const SEED8 = "{seed8}";

function spell(): fc.Arbitrary<Spelled> {
  const param = fc.oneof(
    { weight: 4, arbitrary: fc.constant(SEED) },
    fc.constant(SEED8),
    fc.uuid(),
    fc.string({ unit: PATH_CHAR, maxLength: 8 }),
    fc.nat({ max: 400 }).map((n) => "a".repeat(n)),
  );
  const route = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ROUTES) },
    fc.tuple(fc.constantFrom(...METHODS), fc.constantFrom(...ROUTES.map(([, path]) => path))),
  );
  const templated = fc
    .tuple(route, param, fc.nat(), fc.constantFrom("", "/", "//", "/."))
    .map(([[method, template], value, bits, tail]) => {
      const path = template.replace(":id", value);
      return bits % 4 === 0
        ? { method, path, escapes: bits }
        : { method, path: `${path}${bits % 7 === 0 ? tail : ""}`, escapes: undefined };
    });
  const dotted = fc
    .tuple(route, fc.constantFrom("/x/..", "/.", "//", "/%2e%2e", "/.."))
    .map(([[method, template], prefix]) => ({
      method,
      path: `${prefix}${template.replace(":id", SEED)}`,
      escapes: undefined,
    }));
  const random = fc
    .tuple(fc.constantFrom(...METHODS), fc.string({ unit: PATH_CHAR, maxLength: 40 }))
    .map(([method, path]) => ({ method, path: `/${path}`, escapes: undefined }));
  const query = fc.oneof(
    fc.constant(""),
    fc
      .array(
        fc.tuple(
          fc.constantFrom("limit", "offset", "after", "version", "templateId", "x", ""),
          fc.oneof(
            { weight: 3, arbitrary: fc.integer().map(String) },
            fc.string({ unit: PATH_CHAR, maxLength: 12 }),
          ),
        ),
        { maxLength: 3 },
      )
      .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}`),
  );
  return fc
    .tuple(fc.oneof({ weight: 8, arbitrary: templated }, dotted, random), query)
    .map(([spelled, q]): Spelled => ({ ...spelled, query: q }));
}

const printable = (maxLength: number) =>
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength,
  });

/** Mostly absent: most requests should reach a route's handler, not stop at the first check. */
const rarely = <T>(values: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: values });

function headers(own: string) {
  const authorization = fc.oneof(
    { weight: 3, arbitrary: fc.constant(`Bearer ${TOKEN}`) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        undefined,
        "Bearer wrong-token-wrong-token",
        "Basic YTpi",
        `bearer  ${TOKEN} `,
        "Bearer",
        `Bearer ${TOKEN}x`,
      ),
    },
  );
  return fc
    .record({
      accept: rarely(
        fc.constantFrom("text/event-stream", "application/json", "*/*", "text/html", "x"),
      ),
      origin: rarely(fc.constantFrom(`http://${own}`, "https://evil.example", "null", "")),
      "sec-fetch-site": rarely(
        fc.constantFrom("same-origin", "same-site", "cross-site", "none", "x"),
      ),
      host: rarely(
        fc.oneof(fc.constantFrom("evil.example", "10.0.0.1", "[::1]", ""), printable(20)),
      ),
      authorization,
      "last-event-id": rarely(
        fc.oneof(fc.constantFrom("0", "1", "2.1", "-1", "1e9"), printable(12)),
      ),
      cookie: rarely(fc.constant(`token=${TOKEN}`)),
    })
    .map(
      (all) =>
        Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Record<
          string,
          string
        >,
    );
}

/** A draft request that is right but for at most a field or two, to reach the runner. */
const nearlyValid = fc
  .record(
    {
      title: printable(30),
      source: fc.oneof(printable(30), fc.constant("x<img src=x onerror=alert(1)>.md")),
      model: fc.constantFrom("none", "bad"),
      templateId: fc.constantFrom("default", "nope"),
    },
    { requiredKeys: [] },
  )
  .map((fields) => JSON.stringify({ feature: FEATURE, ...fields }));

const draftFields = fc.record(
  {
    feature: fc.oneof(
      { weight: 4, arbitrary: fc.constant(FEATURE) },
      printable(40),
      fc.constant(""),
    ),
    title: printable(30),
    source: fc.oneof(printable(30), fc.constant("x<img src=x onerror=alert(1)>.md")),
    model: fc.constantFrom("none", "none", "none", "openai:x", "bad", ""),
    templateId: fc.constantFrom("default", "default", "nope", "../etc/passwd"),
    template: fc.constantFrom("# T\n\n## A\n\n*Say.*\n", "no title", ""),
    section: fc.constantFrom("Testing Strategy", "testing", "/gain", "nope", ""),
    feedback: printable(20),
    cascade: fc.boolean(),
  },
  { requiredKeys: [] },
);

/** A file upload as a browser's form sends it, around the given bytes. */
const upload = (name: string, bytes: Buffer): TypedBody => [
  "multipart/form-data; boundary=fuzzbound",
  Buffer.concat([
    Buffer.from(
      `--fuzzbound\r\ncontent-disposition: form-data; name="${name}"; filename="f.md"\r\n` +
        "content-type: text/markdown\r\n\r\n",
    ),
    bytes,
    Buffer.from("\r\n--fuzzbound--\r\n"),
  ]),
];

const bytes = fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b));

/** A content type and a body: mostly ones that fit together, so requests reach the handlers. */
type TypedBody = [type: string | undefined, body: Buffer | string | undefined];
const typed = (type: string | undefined, content: Buffer | string | undefined): TypedBody => [
  type,
  content,
];
const body: fc.Arbitrary<TypedBody> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(typed(undefined, undefined)) },
  { weight: 4, arbitrary: draftFields.map((f) => typed("application/json", JSON.stringify(f))) },
  { weight: 3, arbitrary: nearlyValid.map((json) => typed("application/json", json)) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 2 }).map((j) => typed("application/json", j)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom("text/markdown", "text/plain"), fc.oneof(printable(60), bytes))
      .map(([type, text]) => typed(type, text)),
  },
  { weight: 1, arbitrary: fc.constant(upload("feature", Buffer.from(FEATURE))) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom("feature", "other"), bytes).map(([n, b]) => upload(n, b)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.oneof(
          fc.constantFrom(
            "application/json; charset=latin1",
            "multipart/form-data",
            "application/x-www-form-urlencoded",
            "application/xml",
          ),
          printable(30),
        ),
        fc.oneof(bytes, printable(60)),
      )
      .map(([type, content]) => typed(type, content)),
  },
);

// --- what must hold --------------------------------------------------------------------------

function expectInContract(answer: RawAnswer, method: string, what: string): void {
  expect(answer.status, what).toBeLessThan(500);
  if (answer.status < 400 || method === "HEAD") return;
  expect(answer.headers["content-type"], what).toMatch(/^application\/json/);
  const parsed = JSON.parse(answer.body) as Record<string, unknown>;
  expect(Object.keys(parsed).sort(), what).toEqual(["code", "message"]);
  expect(typeof parsed.code === "string" && typeof parsed.message === "string", what).toBe(true);
}

const hasToken = (sent: Record<string, string>) =>
  /^bearer\s+a-token-for-the-fuzz-suite-0001\s*$/i.test(sent.authorization ?? "");

async function fuzz(target: Target, withToken: boolean): Promise<void> {
  const { server } = target;
  const own = new URL(server.base).host;
  const count = async () => (await server.deps.drafts.list(100_000, 0)).length;
  await fc.assert(
    fc.asyncProperty(spell(), headers(own), body, async (spelled, chosen, [type, payload]) => {
      const { method } = spelled;
      const id = await target.seed();
      const path = pathOf(spelled, id);
      const sent = type === undefined ? chosen : { ...chosen, "content-type": type };
      const before = await count();
      const answer = await rawRequest(server.base, method, path, sent, payload);
      const what = `${method} ${path} ${JSON.stringify(sent)} -> ${answer.status} ${answer.body.slice(0, 200)}`;
      expectInContract(answer, method, what);
      if (answer.status >= 400) expect(await count(), `saved a draft: ${what}`).toBe(before);
      if (withToken && !hasToken(sent)) {
        expect(answer.body, `read without the token: ${what}`).not.toContain(SECRET);
        expect(await count(), `created without the token: ${what}`).toBe(before);
        expect(
          await server.deps.drafts.get(id),
          `deleted without the token: ${what}`,
        ).toBeDefined();
      }
    }),
    { numRuns: RUNS, endOnFailure: true },
  );
}

describe("fuzzing every route", () => {
  let open: Target;
  let guarded: Target;
  beforeAll(async () => {
    open = await target({});
    guarded = await target({ PLANDRAFT_API_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await open?.server.close();
    await guarded?.server.close();
  });

  it(`answers ${RUNS} generated requests on a server without a token within the contract`, async () => {
    await fuzz(open, false);
  }, 120_000);

  it(`answers ${RUNS} generated requests on a server with a token within the contract, reading nothing without it`, async () => {
    await fuzz(guarded, true);
  }, 120_000);
});
