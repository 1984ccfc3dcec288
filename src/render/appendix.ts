/**
 * plandraft's own last section, after the template's: every open question with the assumption
 * the plan makes meanwhile, the sections that depend on it and whether it blocks, and a note of
 * any text in the doc that addressed an AI and was ignored. `check` knows this heading as
 * plandraft's, not the template's.
 */
export const APPENDIX_HEADING = "## Open Questions and Assumptions";
export const APPENDIX_TITLE = "Open Questions and Assumptions";
