/** The outcome of drafting one unit (a section, or one repository of a fan-out section). */
export type SectionDraft =
  | { status: "drafted"; content: Record<string, unknown> }
  | { status: "no_changes"; reason: string }
  | { status: "failed"; code: string; message: string };

export interface DocumentControlValues {
  featureName: string;
  featureLink: string;
  date: string;
  /**
   * The commit of each mapped repository the plan was drafted against (the workspace's);
   * absent or empty: no repository was read, and Document Control says nothing of it.
   */
  repositories?: { name: string; commit: string; dirty: boolean }[] | undefined;
}
