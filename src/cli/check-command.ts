import { readFile } from "node:fs/promises";
import { checkPlan, formatFinding } from "../check/index.js";
import { AppError } from "../errors.js";
import type { Config } from "../config.js";
import { chooseTemplate } from "../template/offered.js";
import { EXIT, type CliIo } from "./main.js";

export async function checkCommand(
  config: Config,
  planPath: string,
  options: { template?: string; templateId?: string },
  io: CliIo,
): Promise<number> {
  const { template } = await chooseTemplate(config.templatesDir, options);
  let plan: string;
  try {
    plan = await readFile(planPath, "utf8");
  } catch (error) {
    throw new AppError("PLAN_MISSING", `plan ${planPath} cannot be read`, {
      hint: "give the path of a plan markdown file",
      cause: error,
    });
  }
  const findings = await checkPlan(plan, template);
  for (const finding of findings) io.stdout.write(`${formatFinding(finding, planPath)}\n`);
  io.stderr.write(
    findings.length === 0
      ? `plandraft: ${planPath} follows the template\n`
      : `plandraft: ${planPath}: ${findings.length} finding${findings.length === 1 ? "" : "s"}\n`,
  );
  return findings.length === 0 ? EXIT.ok : EXIT.failed;
}
