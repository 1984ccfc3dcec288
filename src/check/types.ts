export type FindingCode =
  | "HEADING_MISSING"
  | "HEADING_EXTRA"
  | "HEADING_ORDER"
  | "TITLE_MISMATCH"
  | "PLACEHOLDER_LEFT"
  | "GUIDANCE_LEFT"
  | "MERMAID_INVALID"
  | "TABLE_MALFORMED"
  | "CHOICE_INVALID"
  | "PLAN_EMPTY"
  | "SECTION_EMPTY"
  | "FIELD_MISSING"
  | "FIELD_EMPTY"
  | "TODO_LEFT"
  | "CLARIFICATION_LEFT"
  | "NON_GOAL_PLANNED"
  | "REPO_TOUCHED_NO_CHANGES"
  | "REPO_UNTOUCHED_CHANGED"
  | "REQUIREMENT_MISSING"
  | "CRITERION_UNTESTED"
  | "AI_TEXT_COPIED"
  | "PATH_NOT_FOUND";

/** Every code, in the order findings on the same line are listed. */
export const FINDING_CODES: readonly FindingCode[] = [
  "TITLE_MISMATCH",
  "HEADING_MISSING",
  "HEADING_EXTRA",
  "HEADING_ORDER",
  "PLACEHOLDER_LEFT",
  "GUIDANCE_LEFT",
  "CHOICE_INVALID",
  "TABLE_MALFORMED",
  "MERMAID_INVALID",
  "PLAN_EMPTY",
  "SECTION_EMPTY",
  "FIELD_MISSING",
  "FIELD_EMPTY",
  "TODO_LEFT",
  "CLARIFICATION_LEFT",
  "AI_TEXT_COPIED",
  "NON_GOAL_PLANNED",
  "REPO_TOUCHED_NO_CHANGES",
  "REPO_UNTOUCHED_CHANGED",
  "REQUIREMENT_MISSING",
  "CRITERION_UNTESTED",
  "PATH_NOT_FOUND",
];

/** One problem in a plan. */
export interface Finding {
  /** 1-based line in the plan. */
  line: number;
  code: FindingCode;
  /** Names the problem and, where useful, what is expected. */
  message: string;
  /**
   * Id of the innermost template section whose heading range in the plan contains the line;
   * undefined before the first H2 or when no known section encloses it.
   */
  sectionId: string | undefined;
}

/** A finding before the section it falls in is known. */
export type RawFinding = Omit<Finding, "sectionId">;
