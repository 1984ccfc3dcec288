// The columns of a table of repositories. Their own file because two readers need them: the
// metadata reader leaves such a table to the repositories reader, which reads its rows.

const REPO_COLUMN = /repo|repository|system|component|codebase|project|service/i;
const STATUS_COLUMN = /touched|chang|affected|impact|in scope|modified|work/i;

/** The column that names repositories, or -1. */
export function repoColumnOf(header: string[]): number {
  return header.findIndex((h) => REPO_COLUMN.test(h));
}

/** The column that says whether each repository is touched (never `repoColumn`), or -1. */
export function statusColumnOf(header: string[], repoColumn: number): number {
  return header.findIndex((h, i) => i !== repoColumn && STATUS_COLUMN.test(h));
}

/** A table with a column of repositories and one that says whether each is touched. */
export function isRepoTable(header: string[]): boolean {
  const repo = repoColumnOf(header);
  return repo >= 0 && statusColumnOf(header, repo) >= 0;
}
