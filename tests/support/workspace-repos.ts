import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ScriptedRequest } from "./scripted-llm.js";

/** Secrets planted in the repositories: none may reach a request, a plan or a stored draft. */
export const PLANTED_SECRETS = [
  "sk-live-FAKE123",
  "IGNORED-FAKE456",
  "UNTRACKED-FAKE789",
  "KEYBODY-FAKE000",
];

/** Writes files (path -> text) under `root`. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    "git",
    [
      "-c",
      "user.email=test@example.com",
      "-c",
      "user.name=Test",
      "-c",
      "init.defaultBranch=main",
      ...args,
    ],
    { cwd, encoding: "utf8" },
  );
}

/** A git repository of `files`, all committed (`forced` added past .gitignore). */
export function makeRepo(
  root: string,
  files: Record<string, string>,
  forced: string[] = [],
): string {
  mkdirSync(root, { recursive: true });
  writeFiles(root, files);
  git(root, "init", "-q");
  git(root, "add", ".");
  if (forced.length > 0) git(root, "add", "-f", ...forced);
  git(root, "commit", "-q", "-m", "start");
  return root;
}

export const GAIN_FILES: Record<string, string> = {
  "README.md":
    "# gain\n\nThe GAIN product: a Next.js UI, a FastAPI API and LangGraph services on Postgres.\n",
  "package.json": JSON.stringify({ name: "gain-ui", dependencies: { next: "15.0.0" } }, null, 2),
  "docker-compose.yml": "services:\n  api:\n    build: ./backend\n  db:\n    image: postgres:16\n",
  "backend/pyproject.toml": '[project]\nname = "gain-api"\ndependencies = ["fastapi", "alembic"]\n',
  "backend/app/main.py": [
    "from fastapi import FastAPI, APIRouter",
    "app = FastAPI()",
    "router = APIRouter()",
    "",
    '@app.get("/health")',
    "def health():",
    '    return {"ok": True}',
    "",
    '@router.post("/watchlists")',
    "def create_watchlist(body: dict):",
    "    return body",
    "",
    '@router.get("/watchlists/{watchlist_id}/entities")',
    "def watchlist_entities(watchlist_id: int):",
    "    return []",
  ].join("\n"),
  "backend/app/graphs/alerts.py":
    "from langgraph.graph import StateGraph\n\ngraph = StateGraph(dict)\ngraph.add_node('score_alert', lambda s: s)\n",
  "backend/alembic/versions/0007_create_watchlists.py":
    'revision = "0007"\n\ndef upgrade():\n    op.create_table("watchlists", sa.Column("id", sa.Integer))\n',
  "frontend/app/watchlists/page.tsx": "export default function Watchlists() { return null; }\n",
  "frontend/app/api/watchlists/route.ts":
    "export async function GET() { return Response.json([]); }\n",
  "frontend/public/logo.png": "\u0000PNG-not-text",
  ".gitignore": "secret-notes.txt\nnode_modules/\n",
  // Tracked secrets, forced past nothing: they are committed, and still never read.
  ".env": "OPENAI_API_KEY=sk-live-FAKE123\n",
  "deploy/signing.txt":
    "-----BEGIN RSA PRIVATE KEY-----\nKEYBODY-FAKE000\n-----END RSA PRIVATE KEY-----\n",
};

export const DATA_FILES: Record<string, string> = {
  "README.md": "# data\n\nDatabricks ETL and the warehouse.\n",
  "dbt_project.yml": "name: warehouse\nprofile: databricks\n",
  "models/marts/dim_watchlist.sql":
    "-- one row per watchlist\nselect id as watchlist_id, owner_id from {{ ref('stg_watchlists') }}\n",
  "jobs/ingest.py": "def run():\n    pass\n",
};

/** `/gain` and `/data` as git checkouts, with an ignored and an untracked file beside `/gain`'s. */
export function makeWorkspaceRepos(): { root: string; gain: string; data: string } {
  const root = mkdtempSync(join(tmpdir(), "plandraft-workspace-"));
  const gain = makeRepo(join(root, "gain"), GAIN_FILES);
  writeFiles(gain, {
    "secret-notes.txt": "IGNORED-FAKE456\n",
    "scratch.py": '@app.get("/scratch")  # UNTRACKED-FAKE789\n',
    "node_modules/next/index.js": "module.exports = 'IGNORED-FAKE456';\n",
  });
  const data = makeRepo(join(root, "data"), DATA_FILES);
  return { root, gain, data };
}

/** The text of the message that carries the workspace, in one section's request. */
export function groundingIn(request: ScriptedRequest | undefined): string {
  const messages = (request?.body?.messages ?? []) as { content: unknown }[];
  const text = messages.map((m) =>
    typeof m.content === "string" ? m.content : JSON.stringify(m.content),
  );
  return text.find((t) => t.includes("relevant to this section, read from their checkouts")) ?? "";
}
