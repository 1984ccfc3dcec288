/** The outcome of drafting one unit (a section, or one repository of a fan-out section). */
export type SectionDraft =
  | { status: "drafted"; content: Record<string, unknown> }
  | { status: "no_changes"; reason: string }
  | { status: "failed"; code: string; message: string };

export interface DocumentControlValues {
  featureName: string;
  featureLink: string;
  date: string;
}
