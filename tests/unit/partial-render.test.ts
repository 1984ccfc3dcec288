import { parsePartialJson } from "@langchain/core/output_parsers";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createPartialRenderer, renderPartialUnit, settledText } from "../../src/render/partial.js";
import { renderUnit } from "../../src/render/plan.js";
import { streamedText } from "../../src/render/streamed-text.js";
import { buildLayout, type WorkUnit } from "../../graphs/plan-drafter/topology.js";
import { unitSchema } from "../../src/template/schema.js";
import { DEFAULT_TEMPLATE } from "../support/drafting.js";
import { fillSchema } from "../support/schema-filler.js";

const layout = buildLayout(DEFAULT_TEMPLATE);

interface Streamed {
  deltas: string[];
  restarts: number;
  /** What a watcher had shown after each chunk: must always be a prefix of the final text. */
  shown: string[];
  final: string;
}

/** Streams a unit's content as its JSON arrives in small pieces, the way the section node does. */
function streamUnit(unit: WorkUnit, content: Record<string, unknown>, chunk = 7): Streamed {
  const json = JSON.stringify(content);
  const text = streamedText();
  const render = createPartialRenderer(unit.section);
  const result: Streamed = { deltas: [], restarts: 0, shown: [], final: "" };
  let shown = "";
  for (let end = chunk; end < json.length + chunk; end += chunk) {
    const partial = parsePartialJson(json.slice(0, end)) as Record<string, unknown> | null;
    if (!partial) continue;
    const rendered = render(partial);
    // What the renderer kept from earlier turns is what rendering it all again gives.
    expect(rendered, unit.id).toBe(renderPartialUnit(unit.section, partial));
    const delta = text.next(rendered);
    if (delta) {
      result.deltas.push(delta);
      shown += delta;
      result.shown.push(shown);
    }
  }
  result.final = renderUnit(unit.section, { status: "drafted", content });
  const last = text.finish(result.final);
  if (last.restart) {
    result.restarts += 1;
    shown = "";
  }
  result.deltas.push(last.delta);
  return result;
}

function filled(unit: WorkUnit): Record<string, unknown> {
  const value = fillSchema(z.toJSONSchema(unitSchema(unit))) as Record<string, unknown>;
  return unit.repo ? (value.plan as Record<string, unknown>) : value;
}

describe("a section's text while it streams", () => {
  it("grows by deltas that add up to the final markdown, for every unit of the default template", () => {
    for (const unit of layout.units) {
      const run = streamUnit(unit, filled(unit));
      expect(run.restarts, unit.id).toBe(0);
      expect(run.deltas.join(""), unit.id).toBe(run.final);
      for (const shown of run.shown) expect(run.final.startsWith(shown), unit.id).toBe(true);
      // Streaming, not one block at the end: the text grows many times while the JSON arrives.
      expect(run.deltas.length, unit.id).toBeGreaterThan(3);
    }
  });

  it("never shows text that later changes, even with markup, code spans and markers in the values", () => {
    const unit = layout.units.find((u) => u.node === "architecture");
    if (!unit) throw new Error("no architecture unit");
    const tricky = [
      "Use <b>bold</b> & `<script>` here | and | pipes",
      "1. not a list\n--- not a rule\n# not a heading",
      "A `code span with <tag> inside` and *stars* _under_ ~tilde~ [link](x) !bang",
      "plain words only, nothing special",
    ];
    const content = JSON.parse(
      JSON.stringify(filled(unit), (_key, value: unknown) =>
        typeof value === "string" ? tricky[value.length % tricky.length] : value,
      ),
    ) as Record<string, unknown>;
    for (const chunk of [1, 3, 11]) {
      const run = streamUnit(unit, content, chunk);
      expect(run.deltas.join("")).toBe(run.final);
      for (const shown of run.shown) expect(run.final.startsWith(shown)).toBe(true);
      expect(run.restarts).toBe(0);
    }
  });

  it("holds back a last word whose rendering depends on what follows", () => {
    expect(settledText("see the <b")).toBe("see the ");
    expect(settledText("see the word")).toBe("see the word");
    expect(settledText("a `code <x> more")).toBe("a ");
    expect(settledText("line\n--")).toBe("line\n");
  });

  it("restarts a section whose final text does not extend what was shown", () => {
    const text = streamedText();
    expect(text.next("## A\n\nfirst")).toBe("## A\n\nfirst");
    expect(text.next("## A\n\nfir")).toBeUndefined();
    expect(text.finish("## A\n\nother")).toEqual({ restart: true, delta: "## A\n\nother" });
  });
});
