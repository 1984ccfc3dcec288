import type { CheckoutFiles } from "../workspace/types.js";
import type { ScannedPlan } from "./scan.js";
import type { RawFinding } from "./types.js";

/** A path the plan cites in a mapped repository. */
export interface Citation {
  repo: string;
  /** The path inside the repository, as git names it (no leading `./`, no line suffix). */
  path: string;
  /** The code span's text, as the plan has it. */
  span: string;
}

const CODE_SPAN = /`([^`\n]+)`/g;
/** A line or line range after a path: `:12`, `:12-40`, `#L12`, `#L12-L40`. */
const LINE_SUFFIX = /(?::\d+(?:-\d+)?|#L\d+(?:-L?\d+)?)$/;
/** The last segment of a file path: a name with an extension, e.g. `main.py`, `Dockerfile.dev`. */
const FILE_NAME = /(?:^|\/)[^/]*[A-Za-z0-9_-]\.[A-Za-z0-9]+$/;
/** Names a file without an extension that repositories commonly hold. */
const BARE_FILES = /(?:^|\/)(?:Dockerfile|Makefile|Procfile|Justfile|LICENSE|CODEOWNERS)$/;

/**
 * The paths one text cites: code spans that start with a repository's name. `/gain:app/main.py`
 * always cites a path; `/gain/app/main.py` does when it names a file (it has an extension, or is
 * a Dockerfile or the like) or a folder (it ends with `/`), so an endpoint such as `/data/export`
 * is not taken for a file. Spans with spaces, globs or templated parts are not paths.
 */
export function citedPaths(text: string, repos: readonly string[]): Citation[] {
  const byLength = [...repos].sort((a, b) => b.length - a.length);
  const found: Citation[] = [];
  for (const match of text.matchAll(CODE_SPAN)) {
    const span = (match[1] ?? "").trim();
    // Prose, a glob or a templated path (`{id}`, `<name>`) is not one file's path.
    if (!span || /[\s*?{}<>[\]]/.test(span)) continue;
    for (const repo of byLength) {
      const explicit = span.startsWith(`${repo}:`);
      if (!explicit && !span.startsWith(`${repo}/`)) continue;
      const path = span
        .slice(repo.length + 1)
        .replace(LINE_SUFFIX, "")
        .replace(/^(?:\.\/)+/, "");
      if (!path || path === "/") break;
      if (explicit || path.endsWith("/") || FILE_NAME.test(path) || BARE_FILES.test(path))
        found.push({ repo, path, span });
      break;
    }
  }
  return found;
}

/** Whether `path` is a file git tracks, or a folder holding one. */
export function pathExists(path: string, files: ReadonlySet<string>): boolean {
  const plain = path.replace(/\/+$/, "");
  if (files.has(plain)) return true;
  const folder = `${plain}/`;
  for (const file of files) if (file.startsWith(folder)) return true;
  return false;
}

/**
 * PATH_NOT_FOUND: every path the plan cites (as a code span under a mapped repository's name)
 * that the checkout does not track at the commit it was read at. Paths under a repository the
 * workspace does not map are not judged; fenced blocks (diagrams) are not read.
 */
export function checkCitations(
  scan: ScannedPlan,
  checkouts: readonly CheckoutFiles[],
): RawFinding[] {
  if (checkouts.length === 0) return [];
  const byName = new Map(checkouts.map((c) => [c.name, { ...c, set: new Set(c.files) }]));
  const names = [...byName.keys()];
  const findings: RawFinding[] = [];
  for (const line of scan.lines) {
    if (line.fenced) continue;
    const seen = new Set<string>();
    for (const citation of citedPaths(line.text, names)) {
      const checkout = byName.get(citation.repo);
      if (!checkout || seen.has(citation.span)) continue;
      seen.add(citation.span);
      if (pathExists(citation.path, checkout.set)) continue;
      findings.push({
        line: line.line,
        code: "PATH_NOT_FOUND",
        message: `\`${citation.span}\` cites ${citation.path}, which does not exist in ${checkout.name} at commit ${checkout.commit.slice(0, 12)}; cite a file that checkout tracks, or remove the path`,
      });
    }
  }
  return findings;
}
