// What a command pays to open the store: the embedded store in a fresh home opens from the
// cluster the build made (not PGlite's initdb) and keeps what it is given; `plandraft list` and
// `show` load the store alone: no model client, graph, server or (on a current schema) migration
// tool. Speed itself is measured by `npm run bench -- cli`, not here.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../src/store/embedded.js";
import { firstOpenOptions } from "../../src/store/fresh-cluster.js";
import { createTestStore, testDatabaseUrl, type TestStore } from "../support/store.js";

const BIN = new URL("../../bin/plandraft.js", import.meta.url).pathname;
const HOOKS = new URL("../support/loaded-packages.mjs", import.meta.url).pathname;
/** What each chunk of the bundled CLI holds (scripts/build-cli.mjs). */
const CLI_META = new URL("../../dist/cli/meta.json", import.meta.url).pathname;
const homes: string[] = [];

function freshHome(): string {
  const home = mkdtempSync(join(tmpdir(), "plandraft-open-"));
  homes.push(home);
  return home;
}

afterAll(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

async function onStore<T>(home: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const embedded = await startEmbeddedPostgres(home);
  const client = new pg.Client({ host: embedded.host, port: embedded.port, user: "postgres" });
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.end();
    await embedded.close();
  }
}

describe("the embedded store's first open", () => {
  it("unpacks the build's fresh cluster into an empty folder, and then opens what is there", async () => {
    const home = freshHome();
    const dataDir = join(home, "pgdata");
    const first = firstOpenOptions(dataDir);
    expect(
      first.loadDataDir,
      "dist/store holds no fresh cluster: run `npm run build`",
    ).toBeDefined();

    await onStore(home, async (client) => {
      await client.query("CREATE TABLE kept (note text)");
      await client.query("INSERT INTO kept VALUES ('written on the first open')");
      // A store for one user's drafts: not Postgres's 128 MB of buffers to zero at each open.
      expect((await client.query("SHOW shared_buffers")).rows).toEqual([
        { shared_buffers: "16MB" },
      ]);
      // Nor 1 GB of WAL between checkpoints: a long `serve` on it would fill its folder.
      expect((await client.query("SHOW max_wal_size")).rows).toEqual([{ max_wal_size: "32MB" }]);
    });

    expect(existsSync(join(dataDir, "PG_VERSION"))).toBe(true);
    expect(firstOpenOptions(dataDir)).toEqual({}); // never unpacked over a cluster
    const rows = await onStore(
      home,
      async (client) => (await client.query<{ note: string }>("SELECT note FROM kept")).rows,
    );
    expect(rows).toEqual([{ note: "written on the first open" }]);
  });
});

/** Runs a CLI command; resolves with the packages (their folders under node_modules) it loaded. */
async function packagesLoaded(
  args: string[],
  env: Record<string, string>,
): Promise<{ packages: string[]; stdout: string }> {
  const log = join(freshHome(), "loaded.log");
  let stdout = "";
  let stderr = "";
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", HOOKS, BIN, ...args], {
      env: {
        PATH: process.env.PATH ?? "",
        LOADED_MODULES_LOG: log,
        PLANDRAFT_MODEL: "none",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", resolve);
  });
  expect(code, stderr).toBe(0);
  const packages = readFileSync(log, "utf8")
    .split("\n")
    .flatMap((url) => [url, ...bundledIn(url)])
    .map((path) =>
      path === "node:fetch" ? path : /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1],
    )
    .filter((name): name is string => name !== undefined);
  return { packages: [...new Set(packages)].sort(), stdout };
}

/**
 * The files a loaded chunk of the bundled CLI holds, from the build's metafile: a package bundled
 * into a chunk loads with it, though the loader sees only the chunk.
 */
function bundledIn(url: string): string[] {
  const chunk = /\/(dist\/cli\/[^/]+\.js)$/.exec(url)?.[1];
  if (!chunk) return [];
  const meta = JSON.parse(readFileSync(CLI_META, "utf8")) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  const inputs = meta.outputs[chunk]?.inputs;
  if (!inputs) throw new Error(`${chunk} is not in ${CLI_META}: run \`npm run build\``);
  return Object.keys(inputs);
}

const FEATURE = new URL("../../examples/feature.md", import.meta.url).pathname;

/** Drafts the example (loading what drafting needs), then lists and shows it in new processes. */
async function readersOf(env: Record<string, string>): Promise<string[][]> {
  const home = env.HOME!;
  const drafted = await packagesLoaded(["draft", FEATURE, "-o", join(home, "plan.md")], env);
  expect(drafted.packages).toContain("@langchain/langgraph"); // the probe sees what drafting loads
  const listed = await packagesLoaded(["list", "--json"], env);
  const [draft] = JSON.parse(listed.stdout) as { id: string }[];
  const shown = await packagesLoaded(["show", draft!.id.slice(0, 8)], env);
  expect(shown.stdout).toBe(readFileSync(join(home, "plan.md"), "utf8"));
  return [listed.packages, shown.packages];
}

/**
 * What reading the list has no use for. `node:fetch`: Node's HTTP client, which pg's probe for
 * a Cloudflare Worker loaded for 45 ms (scripts/build-cli.mjs).
 */
const DRAFTING =
  /^(@langchain\/|langchain|fastify|@fastify\/|node-pg-migrate|pg-boss|mermaid|node:fetch$)/;

describe("what `plandraft list` and `show` load", () => {
  const stores: TestStore[] = [];
  afterAll(async () => {
    for (const store of stores) await store.drop();
  });

  it("on the embedded store: the store, and nothing that drafts or serves", async () => {
    for (const loaded of await readersOf({ HOME: freshHome() })) {
      expect(loaded).toContain("@electric-sql/pglite");
      expect(loaded.filter((name) => DRAFTING.test(name))).toEqual([]);
    }
  });

  it.skipIf(!testDatabaseUrl())(
    "with Postgres: the driver alone, once the schema is current",
    async () => {
      const store = createTestStore("postgres");
      stores.push(store);
      const env = { HOME: freshHome(), ...store.env };
      const first = await packagesLoaded(["list"], env);
      expect(first.packages).toContain("node-pg-migrate"); // a fresh schema: the tool runs
      for (const loaded of await readersOf(env)) {
        expect(loaded).toContain("pg");
        const needless = loaded.filter(
          (name) => DRAFTING.test(name) || name.startsWith("@electric-sql"),
        );
        expect(needless).toEqual([]);
      }
    },
  );
});
