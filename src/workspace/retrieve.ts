import { BM25Retriever } from "@langchain/community/retrievers/bm25";
import { Document } from "@langchain/core/documents";
import type { Chunk, SectionGrounding, WorkspaceMaterial } from "./types.js";

/** The share of the budget a repository's tree may take, so ranked parts always have room. */
const TREE_SHARE = 0.15;
const QUERY_TERMS = 96;

const STOPWORDS = new Set(
  (
    "the and for are but not you all any can had her was one our out has have this that with " +
    "from they will would there their what which when where who how its into than then them " +
    "these those such each other more most some only own same also should must may might shall " +
    "about above after before under over between both very just none null true false"
  ).split(" "),
);

/** What a text is estimated to cost in tokens: about four characters each. */
export function tokensOf(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * What one section gets of the workspace: for a repository's own section, that repository;
 * for any other section, every mapped repository; with the context docs. Each repository's tree
 * comes first (cut to its share), then the chunks BM25 ranks highest against `query` (the brief
 * and the section), while they fit in `material.tokens`.
 */
export async function groundingFor(
  material: WorkspaceMaterial,
  repo: string | undefined,
  query: string,
): Promise<SectionGrounding> {
  const digests = repo ? material.digests.filter((d) => d.name === repo) : material.digests;
  let left = material.tokens;
  const picked = new Map<string, Chunk[]>(digests.map((d) => [d.name, []]));
  const treeTokens = Math.floor((material.tokens * TREE_SHARE) / Math.max(1, digests.length));
  for (const digest of digests) {
    const tree = digest.chunks.find((c) => c.kind === "tree");
    if (!tree) continue;
    const text = cut(tree.text, treeTokens);
    if (!text) continue;
    picked.get(digest.name)?.push({ ...tree, text });
    left -= tokensOf(text) + overhead(tree);
  }
  const candidates = [
    ...digests.flatMap((d) =>
      d.chunks.filter((c) => c.kind !== "tree").map((chunk) => ({ repo: d.name, chunk })),
    ),
    ...material.context.map((chunk) => ({ repo: undefined, chunk })),
  ];
  const context: Chunk[] = [];
  for (const { repo: name, chunk } of await rank(candidates, query)) {
    const cost = tokensOf(chunk.text) + overhead(chunk);
    if (cost > left) continue;
    left -= cost;
    if (name === undefined) context.push(chunk);
    else picked.get(name)?.push(chunk);
  }
  return {
    repositories: digests
      .map((d) => ({ name: d.name, commit: d.commit, chunks: picked.get(d.name) ?? [] }))
      .filter((r) => r.chunks.length > 0),
    context,
  };
}

async function rank<T extends { chunk: Chunk }>(candidates: T[], query: string): Promise<T[]> {
  const terms = queryTerms(query);
  if (candidates.length === 0 || terms.length === 0) return candidates;
  const documents = candidates.map(
    ({ chunk }, i) =>
      new Document({
        pageContent: normalise(`${chunk.path} ${chunk.kind} ${chunk.text}`),
        metadata: { i },
      }),
  );
  const retriever = BM25Retriever.fromDocuments(documents, { k: documents.length });
  // BM25Retriever splits the query on spaces; the terms are already the words worth matching.
  const ranked = await retriever.invoke(terms.join(" "));
  return ranked.flatMap((d) => {
    const found = candidates[d.metadata.i as number];
    return found ? [found] : [];
  });
}

/** The query's distinct words, without stop words, at most QUERY_TERMS. */
function queryTerms(query: string): string[] {
  const words = normalise(query)
    .split(" ")
    .filter((w) => w.length >= 3 && !STOPWORDS.has(w) && !/^\d+$/.test(w));
  return [...new Set(words)].slice(0, QUERY_TERMS);
}

/** Lower case words: code's punctuation and case joins no longer hide a term. */
function normalise(text: string): string {
  return text
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** What the tags around a chunk cost. */
function overhead(chunk: Chunk): number {
  return tokensOf(chunk.path) + 12;
}

/** A text cut at a line to about `tokens`. */
function cut(text: string, tokens: number): string {
  if (tokensOf(text) <= tokens) return text;
  const max = tokens * 4;
  const end = text.lastIndexOf("\n", max);
  return `${text.slice(0, end > 0 ? end : max)}\n(...)`;
}
