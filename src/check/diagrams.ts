import { mermaidError } from "./mermaid.js";
import type { Fence, ScannedPlan } from "./scan.js";
import type { RawFinding } from "./types.js";

const isMermaid = (fence: Fence) => fence.info.split(/\s+/)[0]?.toLowerCase() === "mermaid";

/** MERMAID_INVALID: each ```mermaid fence must be closed, non-empty, and parse. */
export async function checkDiagrams(scan: ScannedPlan): Promise<RawFinding[]> {
  const findings: RawFinding[] = [];
  for (const fence of scan.fences.filter(isMermaid)) {
    const message = await diagramProblem(fence);
    if (message) findings.push({ line: fence.line, code: "MERMAID_INVALID", message });
  }
  return findings;
}

/**
 * Starts parsing the diagrams of a piece of a plan without waiting: called when a section is
 * drafted, so the parse overlaps the model calls still running and the final check is quick.
 */
export function checkDiagramsSoon(scan: ScannedPlan): void {
  for (const fence of scan.fences.filter(isMermaid)) {
    // The result is kept for the check; a failure to load mermaid is reported by that check.
    if (fence.closed && fence.body.join("").trim())
      mermaidError(fence.body.join("\n")).catch(() => undefined);
  }
}

async function diagramProblem(fence: Fence): Promise<string | undefined> {
  if (!fence.closed) return "the mermaid block is never closed; add its closing fence";
  const source = fence.body.join("\n");
  if (source.trim() === "") return "the mermaid block is empty; add a diagram";
  const error = await mermaidError(source);
  return error ? `the mermaid diagram does not parse: ${error}` : undefined;
}
