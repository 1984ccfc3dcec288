import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createProgress } from "../../src/cli/progress.js";

// As the stream's draft.started gives them: a server's run and a run here look the same.
const outline = [
  { id: "a", title: "Architecture Alignment", dependsOn: [] },
  { id: "b", title: "Testing Strategy", dependsOn: ["a"] },
];

function capture(isTTY: boolean) {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  stream.isTTY = isTTY;
  stream.columns = 100;
  stream.rows = 40;
  let text = "";
  stream.on("data", (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe("progress on stderr", () => {
  it("writes one plain line per change when not on a terminal", () => {
    const out = capture(false);
    const progress = createProgress(out.stream);
    progress.onEvent({
      type: "draft.started",
      data: { id: "d1", title: "Watchlist", sections: outline, resumed: false, revision: null },
    });
    progress.onEvent({ type: "section.started", data: { section: "a" } });
    progress.onEvent({ type: "section.delta", data: { section: "a", text: "## Architecture" } });
    progress.onEvent({
      type: "section.completed",
      data: { section: "a", status: "drafted", markdown: "## Architecture" },
    });
    progress.onEvent({
      type: "section.failed",
      data: { section: "b", code: "MODEL_TIMEOUT", message: "too slow" },
    });
    progress.done("plandraft: done");
    expect(out.text().split("\n")).toEqual([
      "plandraft: draft d1: 2 sections",
      "plandraft: Architecture Alignment: drafting",
      "plandraft: Architecture Alignment: done",
      "plandraft: Testing Strategy: failed (MODEL_TIMEOUT: too slow)",
      "plandraft: done",
      "",
    ]);
  });

  it("redraws every section with its state in place on a terminal", () => {
    const out = capture(true);
    const progress = createProgress(out.stream);
    progress.onEvent({
      type: "draft.started",
      data: { id: "d1", title: "Watchlist", sections: outline, resumed: false, revision: null },
    });
    progress.onEvent({ type: "section.started", data: { section: "a" } });
    progress.done("plandraft: done");
    const text = out.text();
    expect(text).toContain("\u001b[2K"); // erase line: the table is redrawn, not appended
    expect(text).toMatch(/… Architecture Alignment\s+drafting/);
    expect(text).toMatch(/· Testing Strategy\s+waiting/);
    expect(text.endsWith("waiting\nplandraft: done\n")).toBe(true);
  });

  it("keeps one line per retried model request, on a terminal above the table", () => {
    const retry = { attempt: 1, attempts: 3, code: "MODEL_ERROR", reason: "429", waitMs: 1250 };
    for (const isTTY of [false, true]) {
      const out = capture(isTTY);
      const progress = createProgress(out.stream);
      progress.onEvent({
        type: "draft.started",
        data: { id: "d1", title: "W", sections: outline, resumed: false, revision: null },
      });
      progress.onEvent({ type: "model.retry", unit: undefined, ...retry });
      progress.onEvent({ type: "model.retry", unit: "b", ...retry, attempt: 2 });
      progress.done("plandraft: done");
      const lines = out
        .text()
        .split("\n")
        .filter((l) => l.includes("retrying"));
      expect(lines.map((l) => l.replace(/^.*plandraft:/, "plandraft:"))).toEqual([
        "plandraft: brief: attempt 1 of 3 failed (MODEL_ERROR: 429); retrying in 1.25 s",
        "plandraft: Testing Strategy: attempt 2 of 3 failed (MODEL_ERROR: 429); retrying in 1.25 s",
      ]);
      if (isTTY) expect(out.text()).toMatch(/retrying in 1\.25 s\n[^]*Testing Strategy\s+waiting/);
    }
  });
});
