/**
 * The default of PLANDRAFT_CONTEXT_TOKENS: repository and context text one section request may
 * carry. About 6,000 tokens leaves a small model's 16k context room for the template, the doc,
 * the brief and the answer, and holds a repository's tree with a few dozen ranked parts.
 */
export const DEFAULT_CONTEXT_TOKENS = 6000;

/** What a workspace maps: each template repository to a local checkout, and the team's context docs. */
export interface Workspace {
  /** Where the mapping came from, for error messages: a workspace file, or "--repo". */
  source: string;
  repositories: { name: string; path: string }[];
  /** Context documents (files or folders), absolute paths. */
  context: string[];
}

export type ChunkKind =
  "tree" | "readme" | "manifest" | "api" | "routes" | "schema" | "graph" | "model" | "context";

/** A piece of a repository (or a context doc) that can be sent to the model. */
export interface Chunk {
  path: string;
  kind: ChunkKind;
  /** The lines of the file it holds, e.g. "1-60", when it is not the whole file. */
  lines?: string | undefined;
  text: string;
}

/** What was read of one repository at one commit. */
export interface RepoDigest {
  name: string;
  commit: string;
  /** The checkout had changes not committed when it was read. */
  dirty: boolean;
  /** Files whose text was read (the tree lists more). */
  filesRead: number;
  chunks: Chunk[];
  /** Every file git tracks in the checkout: what a cited path is checked against, never sent. */
  files: string[];
}

/** The files git tracks in one mapped checkout, at its commit: what cited paths are checked against. */
export interface CheckoutFiles {
  /** The template's name for the repository, e.g. `/gain`. */
  name: string;
  commit: string;
  files: readonly string[];
}

/**
 * What a draft knows of its workspace, kept in its state and its plan: names and commits only,
 * never a local path.
 */
export interface Grounding {
  repositories: { name: string; commit: string; dirty: boolean; filesRead: number }[];
  /** Repositories the template names that the workspace does not map. */
  unmapped: string[];
  contextDocs: number;
}

/** What a run's sections are grounded in: the digests, the context docs and the token budget. */
export interface WorkspaceMaterial {
  digests: RepoDigest[];
  context: Chunk[];
  tokens: number;
}

/** The part of the workspace one section request carries, ranked and within its budget. */
export interface SectionGrounding {
  repositories: { name: string; commit: string; chunks: Chunk[] }[];
  context: Chunk[];
}

/**
 * What one section was sent of the workspace, as clients are told: names, commits and counts,
 * never a path. Tokens are estimated (`tokensOf`); `budget` lets a client show the share.
 */
export interface GroundingReport {
  /** The repository the section is about; null for a section read against every mapped one. */
  repository: string | null;
  /** The workspace does not map `repository`: the section is drafted from the doc alone. */
  unmapped: boolean;
  /** The repositories something was sent of: none when nothing fit or matched. */
  repositories: { name: string; commit: string; files: number; tokens: number }[];
  context: { docs: number; tokens: number };
  /** The tokens one section request may carry of the workspace (PLANDRAFT_CONTEXT_TOKENS). */
  budget: number;
}
