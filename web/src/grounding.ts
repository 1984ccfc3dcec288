import type { StreamEventData } from "../../src/events/contract.js";

/** What a section's request carried of the workspace: the data of a `section.grounded` event. */
export type SectionGrounded = StreamEventData<"section.grounded">;

/** A mapped repository as the server's config names it (GET /v1/config). */
export interface MappedRepository {
  name: string;
  commit: string | null;
}

const number = new Intl.NumberFormat("en");

const count = (n: number, what: string) => `${number.format(n)} ${what}${n === 1 ? "" : "s"}`;

/** A commit as people quote it: its first seven digits. */
const short = (commit: string) => commit.slice(0, 7);

/** "a", "a and b", "a, b and c". */
function listed(parts: string[]): string {
  return parts.length < 2 ? parts.join("") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

/** The budget's share, never "0%" for something sent. */
function share(tokens: number, budget: number): string {
  const percent = budget > 0 ? Math.round((tokens / budget) * 100) : 0;
  return `${tokens > 0 && percent === 0 ? "under 1%" : `${percent}%`} of the budget`;
}

/**
 * One line saying what a section was grounded in, e.g. "Grounded in /gain @ abc1234 (12 files,
 * 2,300 tokens): 38% of the budget", or why it was not.
 */
export function groundingLine(read: SectionGrounded): string {
  const sources = [
    ...read.repositories.map(
      (r) =>
        `${r.name} @ ${short(r.commit)} (${count(r.files, "file")}, ${count(r.tokens, "token")})`,
    ),
    ...(read.context.docs > 0
      ? [`${count(read.context.docs, "context document")} (${count(read.context.tokens, "token")})`]
      : []),
  ];
  const spent = read.repositories.reduce((sum, r) => sum + r.tokens, read.context.tokens);
  const used = `${listed(sources)}: ${share(spent, read.budget)}`;
  if (read.repositories.length > 0) return `Grounded in ${used}`;
  const why = read.unmapped
    ? `the workspace does not map ${read.repository ?? "its repository"}`
    : `nothing of ${read.repository ?? "the mapped repositories"} fit or matched this section`;
  return sources.length > 0 ? `Not grounded: ${why}; read ${used}` : `Not grounded: ${why}`;
}

/** The repositories the server's workspace maps, e.g. "The server's workspace maps /gain @ abc1234." */
export function workspaceLine(repositories: MappedRepository[]): string {
  const named = repositories.map((r) => (r.commit ? `${r.name} @ ${short(r.commit)}` : r.name));
  return `The server's workspace maps ${named.length > 0 ? listed(named) : "no repository"}.`;
}
