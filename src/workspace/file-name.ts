/**
 * The workspace file `draft` finds in the current folder when none is named. On its own, so the
 * CLI's help can name it without loading the reader of the file (and its YAML parser).
 */
export const WORKSPACE_FILE = "plandraft.workspace.yaml";
