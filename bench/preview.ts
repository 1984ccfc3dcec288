/**
 * What showing a section while it streams costs per chunk: the tool call's arguments parsed as
 * they arrive (jsonriver) and the section's markdown so far rendered from them, against parsing
 * the whole text so far and rendering the whole section again at every chunk. Each unit of the
 * default template, filled by the scripted model's filler, arrives in 20-character chunks.
 * Target: the cost per chunk does not grow with the section (the longest section's cost per
 * chunk within 2x the shortest's).
 */
import { parsePartialJson } from "@langchain/core/output_parsers";
import { parse } from "jsonriver";
import { z } from "zod";
import { createPartialRenderer, renderPartialUnit } from "../src/render/partial.js";
import { buildLayout, type WorkUnit } from "../graphs/plan-drafter/topology.js";
import { unitSchema } from "../src/template/schema.js";
import { DEFAULT_TEMPLATE } from "../tests/support/drafting.js";
import { fillSchema } from "../tests/support/schema-filler.js";

const CHUNK = 20;
const ROUNDS = Number(process.env.BENCH_PREVIEW_ROUNDS ?? 20);

type Content = Record<string, unknown>;

function chunksOf(unit: WorkUnit): string[] {
  const value = fillSchema(z.toJSONSchema(unitSchema(unit))) as Content;
  const json = JSON.stringify(unit.repo ? value.plan : value);
  return json.match(new RegExp(`[\\s\\S]{1,${CHUNK}}`, "g")) ?? [];
}

/** µs per chunk, the best of ROUNDS runs (the least disturbed by the rest of the machine). */
async function best(run: () => Promise<void> | void, chunks: number): Promise<number> {
  let fastest = Infinity;
  for (let round = 0; round < ROUNDS; round += 1) {
    const started = performance.now();
    await run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return (fastest * 1000) / chunks;
}

/** jsonriver reads an async iterable; these chunks are all here already, so nothing to await. */
// eslint-disable-next-line @typescript-eslint/require-await
async function* pieces(chunks: string[]): AsyncGenerator<string> {
  yield* chunks;
}

export async function benchPreview(): Promise<boolean> {
  const rows: { unit: string; bytes: number; incremental: number; again: number }[] = [];
  for (const unit of buildLayout(DEFAULT_TEMPLATE).units) {
    const chunks = chunksOf(unit);
    const incremental = await best(async () => {
      const render = createPartialRenderer(unit.section);
      for await (const value of parse(pieces(chunks))) render(value as Content);
    }, chunks.length);
    const again = await best(() => {
      let text = "";
      for (const chunk of chunks) {
        text += chunk;
        const value = parsePartialJson(text) as Content | null;
        if (value) renderPartialUnit(unit.section, value);
      }
    }, chunks.length);
    rows.push({ unit: unit.id, bytes: chunks.join("").length, incremental, again });
  }
  rows.sort((a, b) => a.bytes - b.bytes);
  console.log(`preview cost per ${CHUNK}-character chunk (best of ${ROUNDS}), shortest first:`);
  console.log("  bytes   incremental (us)   whole again (us)   ratio   section");
  for (const row of rows) {
    console.log(
      `  ${String(row.bytes).padStart(5)}${row.incremental.toFixed(1).padStart(19)}` +
        `${row.again.toFixed(1).padStart(19)}${(row.again / row.incremental).toFixed(1).padStart(8)}` +
        `   ${row.unit}`,
    );
  }
  const shortest = rows[0];
  const longest = rows.at(-1);
  if (!shortest || !longest) return false;
  const growth = longest.incremental / shortest.incremental;
  console.log(
    `  longest / shortest section, cost per chunk: incremental ${growth.toFixed(2)} ` +
      `(target <= 2), whole again ${(longest.again / shortest.again).toFixed(2)}`,
  );
  return growth <= 2;
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  process.exitCode = (await benchPreview()) ? 0 : 1;
}
