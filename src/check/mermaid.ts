import { AppError } from "../errors.js";

interface MermaidParser {
  parse(text: string): Promise<unknown>;
}

/** The parts of DOMPurify that mermaid touches while parsing. */
interface PurifyLike {
  addHook?: unknown;
  removeHook?: unknown;
  sanitize?: unknown;
}

let loading: Promise<MermaidParser> | undefined;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Parses one diagram; resolves to mermaid's first error line, or undefined when it parses.
 * Parses run one at a time because mermaid keeps per-diagram state in module globals.
 */
export function mermaidError(source: string): Promise<string | undefined> {
  const known = results.get(source);
  if (known) return known;
  const run = queue.then(() => parseOnce(source));
  queue = run.catch(() => undefined);
  remember(source, run);
  return run;
}

/**
 * Results by diagram source. A draft parses its diagrams while other sections still wait on
 * the model (see `checkDiagramsSoon`), so its final check finds them parsed already.
 */
const results = new Map<string, Promise<string | undefined>>();
const REMEMBERED = 256;

function remember(source: string, result: Promise<string | undefined>): void {
  results.set(source, result);
  result.catch(() => results.delete(source));
  if (results.size > REMEMBERED) results.delete(results.keys().next().value as string);
}

async function parseOnce(source: string): Promise<string | undefined> {
  const mermaid = await loadMermaid();
  try {
    await mermaid.parse(source);
    return undefined;
  } catch (error) {
    return describe(error);
  }
}

/** mermaid is large (about a second to import): loaded only when a plan has a diagram. */
function loadMermaid(): Promise<MermaidParser> {
  loading ??= importMermaid().catch((error: unknown) => {
    loading = undefined;
    throw new AppError("INTERNAL", "could not load mermaid to check the plan's diagrams", {
      hint: "reinstall the dependencies (npm ci)",
      cause: error,
    });
  });
  return loading;
}

async function importMermaid(): Promise<MermaidParser> {
  await stubPurify();
  const { default: mermaid } = await import("mermaid");
  return mermaid;
}

/**
 * Without a DOM, the DOMPurify instance mermaid imports has no `sanitize` or hooks, and
 * mermaid calls them on node labels. Parsing never renders, so passing text through is safe.
 * The instance is the module's single default export, so patching it here patches mermaid's.
 */
async function stubPurify(): Promise<void> {
  const { default: purify } = (await import("dompurify")) as { default: PurifyLike };
  if (typeof purify.sanitize === "function") return;
  purify.addHook = () => undefined;
  purify.removeHook = () => undefined;
  purify.sanitize = (dirty: unknown) => dirty;
}

/** "Parse error on line 3:" plus what the parser expected and got, when it says so. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const first = clip(lines[0] ?? "mermaid could not parse the diagram", 200);
  const expecting = lines.find((line) => line.startsWith("Expecting "));
  return expecting ? `${first} ${shortExpecting(expecting)}` : first;
}

/** "Expecting 'A', 'B', ... (20 tokens), got 'EOF'" -> the first few tokens and the "got". */
function shortExpecting(line: string): string {
  const match = /^Expecting (.*), got (.*)$/.exec(line);
  if (!match?.[1] || !match[2]) return clip(line, 160);
  const tokens = match[1].split(/,\s*/);
  const shown = tokens.slice(0, 4).join(", ");
  const more = tokens.length > 4 ? ` or ${tokens.length - 4} more` : "";
  return `Expecting ${shown}${more}, got ${match[2]}`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
