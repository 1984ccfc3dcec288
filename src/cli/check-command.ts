import { readFile } from "node:fs/promises";
import { checkPlan, featureFacts, formatFinding } from "../check/index.js";
import { AppError } from "../errors.js";
import type { Config } from "../config.js";
import { readFeature } from "../feature/read-feature.js";
import { buildLayout, templateRepos } from "../../graphs/plan-drafter/topology.js";
import { chooseTemplate } from "../template/offered.js";
import { readCheckouts } from "../workspace/checkouts.js";
import { loadWorkspace } from "../workspace/load.js";
import { EXIT } from "../error-codes.js";
import type { CliIo } from "./cli-io.js";

export interface CheckOptions {
  /** `--repo NAME=PATH` (repeatable) and `--workspace FILE`, read as `draft` reads them. */
  repo?: string[];
  workspace?: string;
  template?: string;
  templateId?: string;
  /** The feature doc the plan is checked against. */
  feature?: string;
  strict?: boolean;
  json?: boolean;
}

export async function checkCommand(
  config: Config,
  planPath: string,
  options: CheckOptions,
  io: CliIo,
): Promise<number> {
  const { template } = await chooseTemplate(config.templatesDir, options);
  // The workspace as `draft` finds it: cited paths are judged against each mapped checkout.
  const workspace = await loadWorkspace(
    { repo: options.repo, workspace: options.workspace },
    { cwd: process.cwd(), templateRepos: templateRepos(buildLayout(template)) },
  );
  const checkouts = workspace ? await readCheckouts(workspace) : undefined;
  // The doc is read and checked as `draft` reads it: the same errors for the same bad input.
  const feature = options.feature
    ? await readFeature(options.feature, config.maxFeatureBytes, io.stdin)
    : undefined;
  let plan: string;
  try {
    plan = await readFile(planPath, "utf8");
  } catch (error) {
    throw new AppError("PLAN_MISSING", `plan ${planPath} cannot be read`, {
      hint: "give the path of a plan markdown file",
      cause: error,
    });
  }
  const findings = await checkPlan(plan, template, {
    strict: options.strict ?? false,
    ...(feature ? { facts: featureFacts(feature, template) } : {}),
    ...(checkouts ? { checkouts } : {}),
  });
  if (options.json) io.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
  else for (const finding of findings) io.stdout.write(`${formatFinding(finding, planPath)}\n`);
  const read = checkouts?.map((c) => `${c.name}@${c.commit.slice(0, 12)}`).join(", ");
  const against = [
    ...(feature ? [` and ${options.feature}`] : []),
    ...(read ? [`, citing only paths that exist (${read})`] : []),
  ].join("");
  io.stderr.write(
    findings.length === 0
      ? `plandraft: ${planPath} follows the template${against}\n`
      : `plandraft: ${planPath}: ${findings.length} finding${findings.length === 1 ? "" : "s"}\n`,
  );
  return findings.length === 0 ? EXIT.ok : EXIT.failed;
}
