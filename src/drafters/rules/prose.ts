import { APPENDIX_TITLE } from "../../render/appendix.js";
import { openQuestions } from "../brief.js";
import { type DraftContext, findStatements, touchedRepos } from "./context.js";
import { ownedEndpoints, ownedObjects } from "./owned.js";
import { joinWords, keywords, shorten, termSource } from "./text.js";
import { todoProse } from "./todo.js";

/**
 * A guidance line becomes a short paragraph built from what the doc states: the goal and scope
 * for an overview, the touched repositories for the architecture context, the evidence for a
 * repository, else the doc's statements that share the guidance's words.
 */
export function guidance(ctx: DraftContext, instruction: string, titles: string[]): string {
  const where = `${titles.join(" ")} ${instruction}`;
  if (ctx.unit.repo && titles.length === 1) return repoParagraph(ctx);
  if (/overview|summary|executive/i.test(where)) return summaryParagraph(ctx);
  if (/fits|context|existing architecture|where this feature/i.test(where))
    return contextParagraph(ctx);
  const words = keywords(`${instruction} ${titles.at(-1) ?? ""}`);
  const pattern = new RegExp(words.map((w) => `${termSource(w)}\\w*`).join("|") || "(?!)", "i");
  const stated = words.length > 0 ? findStatements(ctx, pattern, { limit: 3 }) : [];
  return stated.length > 0 ? stated.join(" ") : todoProse(instruction);
}

function summaryParagraph(ctx: DraftContext): string {
  const { brief, facts } = ctx;
  const parts = [sentence(brief.goal)];
  if (brief.in_scope.length > 0) {
    const items = brief.in_scope.slice(0, 3).map((s) => shorten(s.replace(/[.:]$/, ""), 90));
    parts.push(`In scope, as the doc states it: ${items.join("; ")}.`);
  }
  parts.push(repoSentence(ctx));
  const decision = facts.decisions.find(
    (d) =>
      !d.decision.startsWith("Not chosen") &&
      !d.rationale?.startsWith("Answers:") &&
      !brief.in_scope.some((s) => s.slice(0, 60) === d.decision.slice(0, 60)),
  );
  if (decision)
    parts.push(`Key decision from the doc: ${sentence(shorten(decision.decision, 160))}`);
  // The appendix lists the same questions: both count `openQuestions`, so the numbers agree.
  const questions = openQuestions(brief).length;
  if (questions > 0) {
    parts.push(
      `${questions} open question${questions > 1 ? "s" : ""} (listed under ${APPENDIX_TITLE}) and every TODO below need a decision before implementation.`,
    );
  }
  return parts.filter(Boolean).join(" ");
}

function contextParagraph(ctx: DraftContext): string {
  const { brief } = ctx;
  const parts = [repoSentence(ctx)];
  if (brief.actors.length > 0)
    parts.push(`It serves ${joinWords(brief.actors.map((a) => a.toLowerCase()))}.`);
  if (brief.integrations.length > 0)
    parts.push(`The doc names these systems: ${joinWords(brief.integrations)}.`);
  const endpoints = ownedEndpoints(ctx).length;
  const tables = ownedObjects(ctx).filter((o) => o.change !== "read").length;
  const named = [
    ...(endpoints > 0 ? [plural(endpoints, "endpoint")] : []),
    ...(tables > 0 ? [plural(tables, "table or view", "tables or views")] : []),
  ];
  if (named.length > 0)
    parts.push(`It names ${joinWords(named)} explicitly; the repository sections list them.`);
  const text = parts.filter(Boolean).join(" ");
  return text || todoProse("describe how this feature fits within the existing architecture");
}

function repoParagraph(ctx: DraftContext): string {
  const evidence = ctx.evidence.find((e) => e.repo === ctx.unit.repo);
  const endpoints = ownedEndpoints(ctx).length;
  const tables = ownedObjects(ctx).filter((o) => o.change !== "read").length;
  const named = [
    ...(endpoints > 0 ? [plural(endpoints, "endpoint")] : []),
    ...(tables > 0 ? [plural(tables, "table or view", "tables or views")] : []),
  ];
  const owned =
    named.length > 0 ? ` Listed below: the ${joinWords(named)} the doc names for it.` : "";
  return `${evidence?.why ?? `The feature doc points at ${ctx.unit.repo}.`}${owned}`;
}

/** "The doc states changes in /gain and /edh; none in /infra. By the technologies it names: /data." */
function repoSentence(ctx: DraftContext): string {
  if (ctx.evidence.length === 0) return "";
  const said = ctx.facts.stated.repos;
  const stated = (touched: boolean) =>
    ctx.evidence.filter((e) => e.touched === touched && said.some((r) => r.repo === e.repo));
  const guessed = (touched: boolean) =>
    ctx.evidence.filter((e) => e.touched === touched && !said.some((r) => r.repo === e.repo));
  const names = (list: { repo: string }[]) => joinWords(list.map((e) => e.repo));
  const parts: string[] = [];
  const [yes, no] = [stated(true), stated(false)];
  if (yes.length > 0 || no.length > 0) {
    const touched = yes.length > 0 ? `changes in ${names(yes)}` : "";
    const none = no.length > 0 ? `no change in ${names(no)}` : "";
    parts.push(`The doc states ${[touched, none].filter(Boolean).join(" and ")}.`);
  }
  const [maybe, not] = [guessed(true), guessed(false)];
  if (maybe.length > 0) {
    const none = not.length > 0 ? `; none are expected in ${names(not)}` : "";
    parts.push(
      `By the technologies the doc names, changes are expected in ${names(maybe)}${none}.`,
    );
  } else if (not.length > 0 && touchedRepos(ctx).length > 0) {
    parts.push(`No change is expected in ${names(not)}.`);
  }
  if (touchedRepos(ctx).length === 0)
    parts.push(
      "The doc names none of the repositories' technologies, so no repository change is assumed yet (TODO: confirm).",
    );
  return parts.join(" ");
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return !trimmed || /[.!?。…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
