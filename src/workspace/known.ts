import { isListed } from "./select.js";
import type { Chunk, RepoDigest } from "./types.js";

/**
 * What one mapped checkout already has that a feature doc may name: the endpoints and tables it
 * declares (with the file and line that declare them) and the files git tracks. Read from the
 * digest, so without a model: the rule drafter says from it whether what the doc names exists.
 */
export interface KnownRepository {
  name: string;
  commit: string;
  endpoints: Declared[];
  tables: Declared[];
  files: readonly string[];
}

/** One declaration: what it declares, and where (`/gain/backend/app/main.py:9`). */
export interface Declared {
  /** The endpoint's path or the table's name, as the file spells it. */
  name: string;
  /** The HTTP method an endpoint declares; absent when the file does not say (a spec's path). */
  method?: string | undefined;
  at: string;
}

const known = new WeakMap<readonly RepoDigest[], KnownRepository[]>();

/** The declarations of every digest, read once per set of digests. */
export function knownRepositories(digests: readonly RepoDigest[]): KnownRepository[] {
  const found = known.get(digests) ?? digests.map(knownIn);
  known.set(digests, found);
  return found;
}

function knownIn(digest: RepoDigest): KnownRepository {
  const endpoints: Declared[] = [];
  const tables: Declared[] = [];
  for (const chunk of digest.chunks) {
    const at = (line: number) => `${digest.name}/${chunk.path}:${line}`;
    if (chunk.kind === "api") endpoints.push(...apiDeclarations(chunk, at));
    if (chunk.kind === "routes") endpoints.push(...nextRouteHandlers(chunk, digest.name));
    if (chunk.kind === "schema" || chunk.kind === "model")
      tables.push(...tableDeclarations(chunk, at));
  }
  // Only files that may be listed: a secret's name is never cited, even when the doc names it.
  const files = digest.files.filter(isListed);
  return { name: digest.name, commit: digest.commit, endpoints, tables, files };
}

const ROUTE_CALL =
  /\.(get|post|put|patch|delete|head|options|all|route|websocket)\(\s*["'`](\/[^"'`]*)["'`]/i;
const SPEC_PATH = /^\s*["']?(\/[^\s"':]*)["']?\s*:\s*[{]?\s*$/;
const SPEC_METHOD = /^\s*["']?(get|post|put|patch|delete|head|options)["']?\s*:/i;

/**
 * Route declarations (a source file's chunk holds `12: @router.get("/x")` lines, numbered as in
 * the file) and OpenAPI paths with their methods (numbered from the chunk's first line).
 */
function apiDeclarations(chunk: Chunk, at: (line: number) => string): Declared[] {
  const first = Number(chunk.lines?.split("-")[0] ?? 1);
  const declared: Declared[] = [];
  let path: string | undefined;
  for (const [i, raw] of chunk.text.split("\n").entries()) {
    const numbered = /^(\d+): (.*)$/.exec(raw);
    const route = numbered ? ROUTE_CALL.exec(numbered[2] ?? "") : null;
    if (numbered && route) {
      const method = /^(route|all|websocket)$/i.test(route[1] ?? "") ? undefined : route[1];
      declared.push({
        name: route[2] ?? "",
        method: method?.toUpperCase(),
        at: at(Number(numbered[1])),
      });
      continue;
    }
    const spec = SPEC_PATH.exec(raw);
    if (spec) {
      path = spec[1];
      continue;
    }
    const method = SPEC_METHOD.exec(raw);
    if (path && method)
      declared.push({ name: path, method: method[1]?.toUpperCase(), at: at(first + i) });
  }
  return declared;
}

/** `/api/items (route handler)  <-  app/api/items/route.ts`: an endpoint of any method. */
function nextRouteHandlers(chunk: Chunk, repo: string): Declared[] {
  return chunk.text.split("\n").flatMap((line) => {
    const match = /^(\S+) \(route handler\)\s+<-\s+(\S+)$/.exec(line.trim());
    return match ? [{ name: match[1] ?? "", at: `${repo}/${match[2] ?? ""}` }] : [];
  });
}

const SQL_TABLE =
  /\b(?:CREATE|ALTER)\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+|MATERIALIZED\s+|EXTERNAL\s+)?(?:TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?[`"[]?([\w.]+)/i;
const MIGRATION_TABLE = /\b(?:create_table|Table)\(\s*["'](\w+)["']/;
const PRISMA_MODEL = /^\s*model\s+(\w+)\s*\{/;

/** Tables and views a migration, schema or SQL file creates or alters; a dbt model is its file. */
function tableDeclarations(chunk: Chunk, at: (line: number) => string): Declared[] {
  const first = Number(chunk.lines?.split("-")[0] ?? 1);
  const declared = chunk.text.split("\n").flatMap((line, i) => {
    const match = SQL_TABLE.exec(line) ?? MIGRATION_TABLE.exec(line) ?? PRISMA_MODEL.exec(line);
    return match ? [{ name: match[1] ?? "", at: at(first + i) }] : [];
  });
  if (chunk.kind === "model" && first === 1) {
    const model = /([\w-]+)\.sql$/.exec(chunk.path)?.[1];
    if (model) declared.unshift({ name: model, at: at(1) });
  }
  return declared;
}

/** Where a mapped repository declares an endpoint the doc names: same path, any spelling of its parameters. */
export function findEndpoint(
  repos: readonly KnownRepository[],
  method: string | undefined,
  path: string,
): { repo: KnownRepository; found: Declared }[] {
  const wanted = endpointKey(path);
  return repos.flatMap((repo) => {
    const ranked = repo.endpoints.flatMap((e) => {
      const key = endpointKey(e.name);
      const sameMethod = !method || !e.method || e.method === method.toUpperCase();
      if (!sameMethod || !samePath(wanted, key)) return [];
      // A declaration that confirms the method says more than one that matches the path exactly.
      const rank = (method && e.method ? 0 : 2) + (key === wanted ? 0 : 1);
      return [{ e, rank }];
    });
    const best = ranked.sort((a, b) => a.rank - b.rank)[0];
    return best ? [{ repo, found: best.e }] : [];
  });
}

/**
 * `/api/watchlists/{id}` is declared as `/watchlists/{watchlist_id}` on a router mounted under
 * `/api`: a declared path of two segments or more that ends the doc's path is the same endpoint.
 */
function samePath(wanted: string, declared: string): boolean {
  if (wanted === declared) return true;
  const segments = declared.split("/").filter(Boolean);
  return segments.filter((s) => s !== "{}").length >= 2 && wanted.endsWith(declared);
}

/** A path with its parameters (`{id}`, `:id`, `[id]`, `<id>`) alike and no trailing slash. */
function endpointKey(path: string): string {
  return (
    path
      .split("?")[0]
      ?.replace(/\{[^}]*\}|\[[^\]]*\]|<[^>]*>|:[A-Za-z_]\w*/g, "{}")
      .replace(/\/+$/, "")
      .toLowerCase() ?? ""
  );
}

/** Where a mapped repository declares a table the doc names (`gold.orders` matches `orders`). */
export function findTable(
  repos: readonly KnownRepository[],
  name: string,
): { repo: KnownRepository; found: Declared }[] {
  const wanted = tableKey(name);
  return repos.flatMap((repo) => {
    const found = repo.tables.find((t) => tableKey(t.name) === wanted);
    return found ? [{ repo, found }] : [];
  });
}

function tableKey(name: string): string {
  const last =
    name
      .replace(/[`"[\]]/g, "")
      .split(".")
      .at(-1) ?? "";
  return last.toLowerCase().replace(/[\s-]+/g, "_");
}

/**
 * Where a mapped repository holds a component the doc names: a file path it tracks
 * (`frontend/app/page.tsx`), or a file named after an identifier (`WatchButton` is
 * `components/WatchButton.tsx` or `watch_button.py`).
 */
export function findComponent(
  repos: readonly KnownRepository[],
  name: string,
): { repo: KnownRepository; found: Declared }[] {
  const path = name.replace(/^\.?\//, "");
  const key = identifierKey(name);
  return repos.flatMap((repo) => {
    const file = name.includes("/")
      ? repo.files.find((f) => f === path || f.endsWith(`/${path}`))
      : repo.files.find((f) => identifierKey(stem(f)) === key);
    return file ? [{ repo, found: { name, at: `${repo.name}/${file}` } }] : [];
  });
}

function stem(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.indexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

function identifierKey(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, "");
}
