/**
 * What LangGraph itself adds to a streamed chunk, with no plandraft code around it: the client
 * floor's calls (the widest step's section tool calls, from the scripted model in its own
 * process) made inside one graph node with the node's config, 10 graphs at once (60 streams, as
 * 10 drafts in their widest step), streamed as plandraft streams a draft (custom and updates),
 * without and with a custom event written per chunk (as the section preview does); beside the
 * same calls made by the client alone. Informational: it sets no target, and says how much of
 * "plandraft's part" in `serve` is the graph runtime's before any code of ours runs.
 */
import { setMaxListeners } from "node:events";
import { HumanMessage } from "@langchain/core/messages";
import {
  Annotation,
  END,
  START,
  StateGraph,
  type LangGraphRunnableConfig,
} from "@langchain/langgraph";
import { buildLayout } from "../graphs/plan-drafter/topology.js";
import { DEFAULT_TEMPLATE } from "../tests/support/drafting.js";
import { measureClientFloor, sectionCalls } from "./client-floor.js";
import { startLlmProcess } from "./scripted-llm-process.js";

const GRAPHS = 10;
const ROUNDS = Number(process.env.BENCH_GRAPH_FLOOR_ROUNDS ?? 3);
const WORDS = Number(process.env.BENCH_SERVE_WORDS ?? 16);

export async function benchGraphFloor(): Promise<boolean> {
  // LangGraph gives each node's signal a listener per call: 6 calls a node pass Node's warning.
  setMaxListeners(50);
  const llm = await startLlmProcess(200, 20, WORDS, 20);
  try {
    const layout = buildLayout(DEFAULT_TEMPLATE);
    const calls = sectionCalls(llm.baseURL, layout);
    let chunks = 0;
    const graphOf = (writes: boolean) =>
      new StateGraph(Annotation.Root({ done: Annotation<boolean> }))
        .addNode("calls", async (_state, config: LangGraphRunnableConfig) => {
          const stream = async (bound: (typeof calls)[number]) => {
            const message = [new HumanMessage("Draft the section.")];
            for await (const chunk of await bound.stream(message, config)) {
              chunks += 1;
              if (writes) config.writer?.({ type: "section.delta", text: String(chunk.id) });
            }
          };
          await Promise.all(calls.map(stream));
          return { done: true };
        })
        .addEdge(START, "calls")
        .addEdge("calls", END)
        .compile();
    const inGraph = async (writes: boolean) => {
      const graph = graphOf(writes);
      const run = async () => {
        const parts = await graph.stream({ done: false }, { streamMode: ["custom", "updates"] });
        for await (const part of parts) void part;
      };
      await run(); // warm-up
      chunks = 0;
      const before = process.cpuUsage();
      await Promise.all(Array.from({ length: GRAPHS }, run));
      const cpu = process.cpuUsage(before);
      return (cpu.user + cpu.system) / Math.max(1, chunks);
    };
    const rows: [string, number[]][] = [
      ["the client alone (the floor)", []],
      ["in a graph node", []],
      ["in a graph node, a custom event per chunk", []],
    ];
    for (let round = 0; round < ROUNDS; round += 1) {
      rows[0]![1].push((await measureClientFloor(llm.baseURL, layout, 6 * GRAPHS)).usPerChunk);
      rows[1]![1].push(await inGraph(false));
      rows[2]![1].push(await inGraph(true));
    }
    const floor = median(rows[0]![1]);
    console.log(
      `${GRAPHS} graphs at once, ${6 * GRAPHS} streams, ${WORDS} stamped words per slot; ` +
        `CPU of this process per chunk, median of ${ROUNDS} rounds:`,
    );
    for (const [what, values] of rows) {
      const us = median(values);
      console.log(
        `  ${what.padEnd(44)}${us.toFixed(0).padStart(6)} us   ${(us / floor).toFixed(2)} x the floor`,
      );
    }
    return true;
  } finally {
    llm.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
