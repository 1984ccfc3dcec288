import type { FeatureDoc } from "../feature-doc.js";
import type { FeatureFacts } from "../facts.js";
import { frontMatterLines } from "../markdown.js";
import { readAddressedToAi } from "./addressed-to-ai.js";
import { readCodeNames } from "./code-names.js";
import { readDates } from "./dates.js";
import { readMetadata } from "./metadata.js";
import { readDoc } from "./passages.js";
import { readQuestions } from "./questions.js";
import { readRejected } from "./rejected.js";
import { readRepos } from "./repos.js";
import { readNumbered } from "./requirements.js";
import { readGoal, readScope } from "./scope.js";

/**
 * What `feature` states explicitly (see `FeatureFacts`), with the repositories named as
 * `templateRepos` names them (e.g. `["/data", "/gain", "/edh", "/infra"]`). Deterministic and
 * cheap: it reads the doc once and keeps nothing, so a caller that asks often keeps the facts.
 */
export function readFeatureFacts(feature: FeatureDoc, templateRepos: string[]): FeatureFacts {
  const doc = readDoc(feature.text);
  const metadata = readMetadata(doc, feature.text);
  const metadataLines = new Set(metadata.lines);
  const addressedToAi = readAddressedToAi(doc, frontMatterLines(feature.text));
  // Metadata and text addressed to an AI are never content, whatever heading they stand under.
  const skip = new Set([...metadataLines, ...addressedToAi.map((c) => c.line)]);
  const scope = readScope(doc, skip);
  const goal = readGoal(doc, skip);
  const { requirements, acceptance } = readNumbered(doc, templateRepos, skip);
  const built = [...scope.inScope, ...acceptance, ...requirements, ...(goal ? [goal] : [])];
  return {
    title: feature.name,
    goal,
    inScope: scope.inScope,
    outOfScope: scope.outOfScope,
    repos: readRepos({
      doc,
      fields: metadata.fields,
      metadataLines: skip,
      requirements,
      builtLines: new Set(built.map((c) => c.line)),
      templateRepos,
    }),
    requirements,
    acceptance,
    openQuestions: readQuestions(doc, skip),
    rejected: readRejected(doc, skip),
    names: readCodeNames(doc, skip),
    dates: readDates(doc, { lines: skip, fields: metadata.fields }),
    addressedToAi,
    metadataLines: metadata.lines,
  };
}
