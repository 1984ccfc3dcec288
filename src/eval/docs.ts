import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { FeatureDoc } from "../feature/feature-doc.js";
import { AppError, fileProblem } from "../errors.js";
import { readFeature } from "../feature/read-feature.js";

/** One feature doc of the folder under evaluation. */
export interface EvalDoc {
  /** Its file name, which names its row. */
  name: string;
  path: string;
  feature: FeatureDoc;
}

/**
 * A folder's own notes (README.md, SOURCES.md, LICENSE.md, CHANGELOG.md): file names in capitals
 * describe the folder, they are not feature docs.
 */
const FOLDER_NOTE = /^[A-Z][A-Z0-9_-]*\.md$/;

/**
 * Every feature doc in `dir` (its `.md` files, not recursive, in name order), each read and
 * checked as `draft` reads one. All are read before any is drafted, so a bad doc stops the run
 * before a model is paid for the others.
 */
export async function readEvalDocs(dir: string, maxBytes: number): Promise<EvalDoc[]> {
  const names = (await listFolder(dir))
    .filter((name) => name.endsWith(".md") && !FOLDER_NOTE.test(name))
    .sort();
  if (names.length === 0) {
    throw new AppError("EVAL_DIR_EMPTY", `${dir} holds no feature doc (*.md)`, {
      hint: "point eval at a folder of feature docs in markdown; README.md and other names in capitals are skipped",
    });
  }
  const docs: EvalDoc[] = [];
  for (const name of names) {
    const path = join(dir, name);
    docs.push({ name, path, feature: await readFeature(path, maxBytes) });
  }
  return docs;
}

async function listFolder(dir: string): Promise<string[]> {
  try {
    if (!(await stat(dir)).isDirectory()) throw Object.assign(new Error(), { code: "ENOTDIR" });
    return await readdir(dir);
  } catch (error) {
    throw new AppError("EVAL_DIR_MISSING", `${dir} ${fileProblem(error)}`, {
      hint: "give the folder of feature docs to evaluate, e.g. plandraft eval docs/features",
      cause: error,
    });
  }
}
