/**
 * What a watcher has been shown of one section while it is drafted, and what to append next.
 * Deltas only ever extend the text; when the final markdown does not extend what was shown (a
 * repair turn, or a slot that rendered differently once complete), the section restarts from
 * empty, so the deltas since the section's latest start always add up to its final markdown.
 */
export function streamedText() {
  let shown = "";
  return {
    /** The text to append for this rendering so far, or nothing if it adds nothing safe. */
    next(rendered: string): string | undefined {
      if (rendered.length <= shown.length || !rendered.startsWith(shown)) return undefined;
      const delta = rendered.slice(shown.length);
      shown = rendered;
      return delta;
    },
    /** The last delta for the final markdown, and whether the section must restart first. */
    finish(markdown: string): { restart: boolean; delta: string } {
      const restart = !markdown.startsWith(shown);
      const delta = restart ? markdown : markdown.slice(shown.length);
      shown = markdown;
      return { restart, delta };
    },
    restart(): void {
      shown = "";
    },
  };
}
