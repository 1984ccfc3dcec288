import type { WorkspaceOptions } from "../workspace/load.js";

/** The options of `draft`, read by main.ts and by both the local and the remote command. */
export interface DraftOptions extends WorkspaceOptions {
  output?: string;
  template?: string;
  /** One of the offered templates, by id; never together with `template`. */
  templateId?: string;
  model?: string;
  json?: boolean;
  /** Stop after the analysis for a person to review the brief (exit 3 until answered). */
  review?: boolean;
}
