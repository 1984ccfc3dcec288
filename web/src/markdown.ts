import DOMPurify from "dompurify";
import { marked } from "marked";

/**
 * Markdown from the server (model output and feature text are untrusted) as sanitized HTML:
 * marked renders, DOMPurify removes anything active (scripts, handlers, javascript: links).
 */
export function markdownToHtml(markdown: string): string {
  const html = marked.parse(markdown, { async: false, gfm: true });
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
}

/**
 * A plan's (or a section's) markdown as an element, its diagrams already drawn: whoever puts it
 * in the page changes the page once, and nothing in it moves afterwards.
 */
export async function renderMarkdown(markdown: string): Promise<HTMLElement> {
  const content = document.createElement("div");
  content.className = "markdown";
  content.innerHTML = markdownToHtml(markdown);
  await drawDiagrams(content);
  return content;
}

type Mermaid = typeof import("mermaid").default;
let loading: Promise<Mermaid> | undefined;
/** Numbers the diagrams drawn, so each render gets its own element id. */
let counter = 0;
/** Tries at loading mermaid's chunks before a section shows its markdown undrawn. */
const LOAD_ATTEMPTS = 4;

/** mermaid is large: loaded only once a plan has a diagram, in its strict security level. */
function loadMermaid(): Promise<Mermaid> {
  loading ??= import("mermaid").then(
    ({ default: mermaid }) => {
      const dark = window.matchMedia("(prefers-color-scheme: dark)").matches;
      mermaid.initialize({
        startOnLoad: false,
        securityLevel: "strict",
        theme: dark ? "dark" : "default",
        flowchart: { htmlLabels: false },
      });
      return mermaid;
    },
    (error: unknown) => {
      // A chunk cut off by a dropped network: forget the failure, so the next try fetches again.
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/**
 * mermaid, fetched again after a failed load (the network dropped while its chunks came in) once
 * the page is back online, a little later each time.
 */
async function loadMermaidRetrying(): Promise<Mermaid> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await loadMermaid();
    } catch (error) {
      if (attempt === LOAD_ATTEMPTS) throw error;
      await online();
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
    }
  }
}

/** Resolves at once when the browser is online, else when it comes back. */
const online = (): Promise<void> =>
  navigator.onLine
    ? Promise.resolve()
    : new Promise((resolve) => window.addEventListener("online", () => resolve(), { once: true }));

/**
 * A chunk of mermaid's that failed to load (the network dropped while it came in), as the
 * browser words it: Chromium, Firefox and Safari in turn. Not the diagram's fault.
 */
const CHUNK_NOT_LOADED =
  /Failed to fetch dynamically imported module|error loading dynamically imported module|Importing a module script failed/;

/**
 * Parses, then renders (a failed render leaves mermaid's own error drawing in the page). Each
 * diagram type's code is a chunk mermaid loads at its first diagram of that type: one cut off by
 * a dropped network is fetched again once the page is back online, a little later each time, as
 * mermaid itself is; only a diagram that does not parse is shown as such. Seen before: a cut
 * chunk showed every diagram of its type as "does not parse" until a reload.
 */
async function renderRetrying(mermaid: Mermaid, id: string, source: string): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await mermaid.parse(source);
      return (await mermaid.render(id, source)).svg;
    } catch (error) {
      const notLoaded = CHUNK_NOT_LOADED.test((error as Error).message);
      if (!notLoaded || attempt === LOAD_ATTEMPTS) throw error;
      await online();
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
    }
  }
}

/**
 * Draws every mermaid block inside `container` as a diagram; one that does not parse keeps its
 * source and shows the parse error under it.
 */
export async function drawDiagrams(container: HTMLElement): Promise<void> {
  const blocks = [...container.querySelectorAll<HTMLElement>("pre > code.language-mermaid")];
  if (blocks.length === 0) return;
  const mermaid = await loadMermaidRetrying();
  for (const code of blocks) {
    const source = code.textContent ?? "";
    const figure = document.createElement("figure");
    figure.className = "diagram";
    counter += 1;
    const id = `diagram-${counter}`;
    try {
      const svg = await renderRetrying(mermaid, id, source);
      figure.innerHTML = DOMPurify.sanitize(svg, {
        USE_PROFILES: { svg: true, svgFilters: true },
        ADD_TAGS: ["style"],
      });
      figure.setAttribute("role", "img");
      figure.setAttribute("aria-label", "Diagram");
    } catch (error) {
      figure.classList.add("diagram-error");
      const pre = document.createElement("pre");
      pre.textContent = source;
      const why = document.createElement("p");
      why.textContent = `This diagram does not parse: ${(error as Error).message.split("\n")[0] ?? ""}`;
      figure.append(pre, why);
    } finally {
      document.getElementById(`d${id}`)?.remove();
    }
    code.parentElement?.replaceWith(figure);
  }
}
