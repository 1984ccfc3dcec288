import { tokensOf } from "./retrieve.js";
import type {
  Chunk,
  ChunkKind,
  GroundingReport,
  SectionGrounding,
  WorkspaceMaterial,
} from "./types.js";

/** Listings the digest writes (the tree, the routes it found): sent, but no file's text. */
const LISTINGS = new Set<ChunkKind>(["tree", "routes"]);

/**
 * What a section's grounding amounts to, for a client to show: per repository the files whose
 * text was sent and the tokens it all cost, the same for the context docs, and the budget.
 */
export function groundingReport(
  material: WorkspaceMaterial,
  repository: string | undefined,
  grounding: SectionGrounding,
): GroundingReport {
  return {
    repository: repository ?? null,
    unmapped: repository !== undefined && !material.digests.some((d) => d.name === repository),
    repositories: grounding.repositories.map(({ name, commit, chunks }) => ({
      name,
      commit,
      files: filesIn(chunks),
      tokens: tokensIn(chunks),
    })),
    context: { docs: filesIn(grounding.context), tokens: tokensIn(grounding.context) },
    budget: material.tokens,
  };
}

function filesIn(chunks: Chunk[]): number {
  return new Set(chunks.filter((c) => !LISTINGS.has(c.kind)).map((c) => c.path)).size;
}

function tokensIn(chunks: Chunk[]): number {
  return chunks.reduce((sum, chunk) => sum + tokensOf(chunk.text), 0);
}
