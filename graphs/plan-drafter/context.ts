import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { Finding } from "../../src/check/index.js";
import type { Drafter } from "../../src/drafters/types.js";
import type { DraftLayout } from "../../src/template/layout.js";
import type { ProgressEvent } from "./state.js";

/** What every node needs besides the state: given once, when the graph is built. */
export interface GraphContext {
  layout: DraftLayout;
  drafter: Drafter;
  checkPlan: (markdown: string) => Promise<Finding[]>;
  /** Starts the slow part of a check (diagram parsing) for a section that is drafted. */
  prepareCheck: (markdown: string) => void;
  maxFeatureBytes: number;
  /** The date to use when the input gives none. */
  today: () => string;
}

export function report(config: LangGraphRunnableConfig, event: ProgressEvent): void {
  config.writer?.(event);
}
