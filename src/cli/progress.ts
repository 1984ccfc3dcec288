import { createLogUpdate } from "log-update";
import type { RunEvent } from "../drafting/drafts.js";
import type { StreamEventData } from "../events/contract.js";

type SectionState = "waiting" | "drafting" | "done" | "no changes" | "failed";

const MARK: Record<SectionState, string> = {
  waiting: "·",
  drafting: "…",
  done: "✓",
  "no changes": "–",
  failed: "✗",
};

/**
 * Shows every section with its state on stderr: redrawn in place on a terminal, one plain
 * line per change otherwise (CI logs, pipes), so it never mixes with the plan on stdout.
 */
export function createProgress(stream: NodeJS.WriteStream, interactive = Boolean(stream.isTTY)) {
  const states = new Map<string, SectionState>();
  let outline: StreamEventData<"draft.started">["sections"] = [];
  let step = "";
  const draw = interactive ? createLogUpdate(stream, { showCursor: true }) : undefined;

  const render = () => {
    const width = Math.max(...outline.map((s) => s.title.length), 10);
    const lines = outline.map((s) => {
      const state = states.get(s.id) ?? "waiting";
      return `  ${MARK[state]} ${s.title.padEnd(width)}  ${state}`;
    });
    draw?.([step, ...lines].filter(Boolean).join("\n"));
  };

  const set = (id: string, state: SectionState, detail = "") => {
    states.set(id, state);
    if (draw) render();
    else stream.write(`plandraft: ${titleOf(id)}: ${state}${detail ? ` (${detail})` : ""}\n`);
  };
  const titleOf = (id: string) => outline.find((s) => s.id === id)?.title ?? id;
  /** A line that stays, above the table when it is redrawn. */
  const note = (line: string) => {
    draw?.clear();
    stream.write(`${line}\n`);
    if (draw) render();
  };

  return {
    /** A run's events, the same from a run here and from a server's stream. */
    onEvent(event: RunEvent): void {
      switch (event.type) {
        case "draft.started":
          outline = event.data.sections;
          step = `plandraft: draft ${event.data.id}`;
          if (draw) render();
          else stream.write(`${step}: ${outline.length} sections\n`);
          break;
        case "step":
          if (event.state === "started") {
            step = `plandraft: ${event.step}…`;
            if (draw) render();
            else if (event.step !== "ingest") stream.write(`${step}\n`);
          }
          break;
        case "section.started":
          set(event.data.section, "drafting");
          break;
        case "section.completed": {
          const { section, status } = event.data;
          set(
            section,
            status === "no_changes" ? "no changes" : status === "failed" ? "failed" : "done",
          );
          break;
        }
        case "section.failed": {
          const { section, code, message } = event.data;
          set(section, "failed", `${code}: ${message}`);
          break;
        }
        case "model.retry":
          note(
            `plandraft: ${event.unit ? titleOf(event.unit) : "brief"}: attempt ${event.attempt} of ${event.attempts} failed (${event.code}: ${event.reason}); retrying in ${(event.waitMs / 1000).toFixed(2)} s`,
          );
          break;
      }
    },
    /** Leaves the final table on screen. */
    done(summary: string): void {
      if (draw) {
        step = "";
        render();
        draw.done();
      }
      stream.write(`${summary}\n`);
    },
  };
}
