import { repoName } from "./requirements.js";

/** How one template repository can be written in a doc. */
export interface RepoSpelling {
  repo: string;
  /** Where a repository is expected (a "Repos:" line, a repository table): `gain`, `/gain`, `Gain`. */
  listed: RegExp;
  /** In prose: `/gain`, `` `gain` ``, "the gain repo" (any case); "EDH", "Entity Data Hub", "in Gain" (as cased). */
  named: [RegExp, RegExp];
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function repoSpellings(templateRepos: string[]): RepoSpelling[] {
  return templateRepos.flatMap((repo) => {
    const name = repoName(repo);
    if (!name) return [];
    const word = escape(name);
    const listed = new RegExp(`(?<![\\w./-])/?${word}(?![\\w-])`, "i");
    const forms = [
      `(?<![\\w./-])/${word}(?![\\w-])`,
      `\`/?${word}\``,
      `\\b${word}[ -](repo|repository|repos|codebase|monorepo)\\b`,
    ];
    const cased = [
      // An acronym as written ("EDH"), and a name in the middle of a sentence ("open Gain").
      `\\b${escape(name.toUpperCase())}\\b`,
      // Not where it starts a longer name: "Data Catalog" is not /data.
      `(?<=[\\p{Ll},;] )${escape(name[0]?.toUpperCase() ?? "")}${escape(name.slice(1))}\\b(?! \\p{Lu})`,
      ...(name.length >= 3 && /^[a-z]+$/.test(name) ? [spelledOut(name)] : []),
    ];
    const named: [RegExp, RegExp] = [
      new RegExp(forms.join("|"), "i"),
      new RegExp(cased.join("|"), "u"),
    ];
    return [{ repo, listed, named }];
  });
}

/** "edh" -> "Entity Data Hub": capitalised words whose initials spell the name. */
function spelledOut(name: string): string {
  return `\\b${[...name].map((c) => `${c.toUpperCase()}[\\p{L}]+`).join("\\s+")}\\b`;
}

/** The repositories named in `text`, in template order. */
export function reposIn(
  text: string,
  spellings: RepoSpelling[],
  how: "listed" | "named",
): string[] {
  return spellings
    .filter((s) => (how === "listed" ? [s.listed] : s.named).some((p) => p.test(text)))
    .map((s) => s.repo);
}
