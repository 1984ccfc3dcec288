import type { ChunkKind } from "./types.js";

/** Folders whose files are installed, generated or built: never read, never listed. */
const SKIPPED_DIRS = new Set([
  "node_modules",
  "dist",
  "build",
  "out",
  ".next",
  ".nuxt",
  "coverage",
  "target",
  "vendor",
  "__pycache__",
  ".venv",
  "venv",
  ".git",
  ".turbo",
  ".cache",
]);

const BINARY_EXTENSIONS = new Set(
  (
    "png jpg jpeg gif webp ico bmp tiff svgz pdf zip gz tgz bz2 xz 7z rar jar war class so dylib dll " +
    "exe bin o a wasm woff woff2 ttf otf eot mp3 mp4 mov avi wav ogg webm parquet avro orc pkl " +
    "pickle npy npz h5 onnx pt db sqlite sqlite3 docx xlsx pptx"
  ).split(" "),
);

const LOCK_FILES = new Set([
  "package-lock.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "poetry.lock",
  "uv.lock",
  "Pipfile.lock",
  "Cargo.lock",
  "composer.lock",
]);

/**
 * Files that hold or may hold secrets: never read, never sent, not even named in the tree.
 * Content with a private key header is refused too, when a file is read (`holdsSecret`).
 */
export function isSecretPath(path: string): boolean {
  const name = baseName(path).toLowerCase();
  return (
    name.startsWith(".env") ||
    /\.(pem|key|p12|pfx|jks|keystore|crt|der|asc|gpg)$/.test(name) ||
    name.startsWith("id_rsa") ||
    name.startsWith("id_ed25519") ||
    name.startsWith("id_ecdsa") ||
    name.startsWith("id_dsa") ||
    name === ".npmrc" ||
    name === ".pypirc" ||
    name === ".netrc" ||
    name === "credentials" ||
    name.includes("secret")
  );
}

/** A private key block, anywhere in a text. */
export function holdsSecret(text: string): boolean {
  return /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/.test(text);
}

/** Tracked files worth listing at all: no secrets, no build output, no binaries, no lock files. */
export function isListed(path: string): boolean {
  const parts = path.split("/");
  if (parts.slice(0, -1).some((dir) => SKIPPED_DIRS.has(dir))) return false;
  const name = parts[parts.length - 1] ?? "";
  if (isSecretPath(path) || LOCK_FILES.has(name)) return false;
  if (/\.min\.(js|css)$/.test(name) || name.endsWith(".map")) return false;
  return !BINARY_EXTENSIONS.has(extension(name));
}

/** What a path is by its name alone; undefined: read only if its content says (`kindOfText`). */
export function kindOfPath(path: string): ChunkKind | undefined {
  const name = baseName(path);
  const lower = name.toLowerCase();
  const lowerPath = path.toLowerCase();
  if (/^readme(\.|$)/.test(lower)) return "readme";
  if (
    [
      "package.json",
      "pyproject.toml",
      "setup.cfg",
      "pipfile",
      "dbt_project.yml",
      "langgraph.json",
    ].includes(lower) ||
    /^requirements.*\.txt$/.test(lower) ||
    /^dockerfile/.test(lower) ||
    /\.dockerfile$/.test(lower) ||
    /^(docker-)?compose[\w.-]*\.ya?ml$/.test(lower)
  )
    return "manifest";
  if (/(^|[/_.-])(openapi|swagger)[\w.-]*\.(json|ya?ml)$/.test(lowerPath)) return "api";
  if (isNextRoute(path)) return "routes";
  if (
    lowerPath.includes("alembic/versions/") ||
    /(^|\/)migrations?\//.test(lowerPath) ||
    lower === "schema.prisma" ||
    lower.endsWith(".prisma") ||
    lower === "alembic.ini"
  )
    return "schema";
  if (lower.endsWith(".sql")) return /(^|\/)models\//.test(lowerPath) ? "model" : "schema";
  if (/(^|\/)models\/.*\.ya?ml$/.test(lowerPath) && lowerPath.includes("dbt")) return "model";
  return undefined;
}

/** Source files that may declare routes or graphs: read to find out. */
export function mayDeclare(path: string): boolean {
  return /\.(py|ts|js|mjs|cjs|tsx|jsx)$/.test(path) && !/\.(test|spec|d)\.[jt]sx?$/.test(path);
}

const ROUTE_LINE =
  /^\s*@(?:app|router|api|\w+_router|bp|blueprint)\.(get|post|put|patch|delete|route|websocket)\(|\b(?:app|router|fastify|server|api)\.(get|post|put|patch|delete|all|route|register)\(\s*['"`/]/;

/** A source file's kind from its content: its route declarations, or a LangGraph graph. */
export function kindOfText(text: string): ChunkKind | undefined {
  if (/\bStateGraph\b/.test(text)) return "graph";
  return text.split("\n").some((line) => ROUTE_LINE.test(line)) ? "api" : undefined;
}

/** The route declarations of a file, with their line numbers: what the model needs of it. */
export function routeLines(text: string): string {
  const lines = text.split("\n");
  return lines
    .flatMap((line, i) => {
      if (!ROUTE_LINE.test(line)) return [];
      // A Python decorator says the path; the function under it says what it does.
      const next = lines[i + 1]?.trim() ?? "";
      const handler = /^(async\s+)?def\s/.test(next) ? [`${i + 2}: ${next}`] : [];
      return [`${i + 1}: ${line.trim()}`, ...handler];
    })
    .join("\n");
}

/** A Next.js page or route handler: app/**\/page.tsx, app/**\/route.ts, pages/**. */
function isNextRoute(path: string): boolean {
  return (
    /(^|\/)app\/(.+\/)?(page|route|layout)\.(tsx?|jsx?|mdx)$/.test(path) ||
    /(^|\/)pages\/.+\.(tsx?|jsx?|mdx)$/.test(path)
  );
}

/** The URL a Next.js route file serves, e.g. `app/items/[id]/page.tsx` -> `/items/[id]`. */
export function nextRouteOf(path: string): string {
  const app = /(?:^|\/)app\/((?:.+\/)?)(page|route|layout)\.\w+$/.exec(path);
  if (app) {
    const segments = (app[1] ?? "").split("/").filter((s) => s && !/^\(.*\)$/.test(s));
    const url = `/${segments.join("/")}`;
    return `${url}${app[2] === "route" ? " (route handler)" : app[2] === "layout" ? " (layout)" : ""}`;
  }
  const pages = /(?:^|\/)pages\/(.+)\.\w+$/.exec(path);
  const route = (pages?.[1] ?? "").replace(/(^|\/)index$/, "");
  return `/${route}`;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function extension(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
}
