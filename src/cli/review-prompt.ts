import { editor, expand, input, select } from "@inquirer/prompts";
import YAML from "yaml";
import { schemaProblems } from "../errors.js";
import type { BriefRequest, ReviewRequest, RevisionReviewRequest } from "../drafters/review.js";
import { ReviewBrief, type ReviewAnswer } from "../events/contract.js";
import type { CliIo } from "./cli-io.js";

/** What a person can edit of the brief in $EDITOR: its lists, with the repositories. */
const EditedBrief = ReviewBrief.pick({
  in_scope: true,
  out_of_scope: true,
  repos: true,
  integrations: true,
}).strict();

/**
 * Asks the gate's questions in the terminal (Enter takes the suggestion; a question with choices
 * is picked from them), then what to do: approve, edit the brief's lists in $EDITOR first (`e`),
 * stop the draft, or leave it waiting (undefined). Prompts go to stderr, so stdout stays the plan's.
 */
export async function askReview(gate: ReviewRequest, io: CliIo): Promise<ReviewAnswer | undefined> {
  const context = { input: io.stdin, output: io.stderr };
  return gate.kind === "revision" ? askRevision(gate, context) : askBrief(gate, context);
}

type PromptContext = { input: NodeJS.ReadableStream; output: NodeJS.WritableStream };

/** Keep the re-drafted section (the cascade goes on), drop it, or leave it waiting. */
async function askRevision(
  gate: RevisionReviewRequest,
  context: PromptContext,
): Promise<ReviewAnswer | undefined> {
  const kept =
    gate.dependents.length > 0
      ? `Keep it: re-draft ${gate.dependents.length} dependent section${gate.dependents.length === 1 ? "" : "s"}`
      : "Keep it as the plan's next version";
  const action = await expand(
    {
      message: `Keep the revised "${gate.section.title}"?`,
      default: "a",
      expanded: true,
      choices: [
        { key: "a", name: kept, value: "approve" },
        { key: "s", name: "Drop the revision: the plan stays as it was", value: "stop" },
        {
          key: "l",
          name: "Leave it waiting (plandraft review ID answers it later)",
          value: "later",
        },
      ],
    },
    context,
  );
  if (action === "later") return undefined;
  return { approve: action === "approve" };
}

/** Each question in turn, then approve, edit the brief, stop, or leave it waiting. */
async function askBrief(
  gate: BriefRequest,
  context: PromptContext,
): Promise<ReviewAnswer | undefined> {
  const answers: Record<string, string> = {};
  for (const q of gate.questions) {
    const message = `${q.id}. ${q.question}`;
    const answer =
      q.choices.length > 0
        ? await select(
            {
              message,
              choices: q.choices.map((choice) => ({ value: choice, name: choice })),
              default: q.suggestion || undefined,
            },
            context,
          )
        : await input(
            {
              message: q.suggestion ? message : `${message} (Enter leaves it open)`,
              default: q.suggestion || undefined,
            },
            context,
          );
    if (answer.trim()) answers[q.id] = answer.trim();
  }
  let brief: ReviewAnswer["brief"];
  for (;;) {
    const action = await expand(
      {
        message: "Draft the plan from this brief?",
        default: "a",
        expanded: true,
        choices: [
          { key: "a", name: "Approve: draft the plan", value: "approve" },
          {
            key: "e",
            name: "Edit the scope, repositories and integrations in $EDITOR",
            value: "edit",
          },
          { key: "s", name: "Stop the draft", value: "stop" },
          {
            key: "l",
            name: "Leave it waiting (plandraft review ID answers it later)",
            value: "later",
          },
        ],
      },
      context,
    );
    if (action === "approve") return { approve: true, ...(brief ? { brief } : {}), answers };
    if (action === "stop") return { approve: false };
    if (action === "later") return undefined;
    brief = await editBrief({ ...gate.brief, ...brief }, context);
  }
}

/** The brief's lists as YAML in $EDITOR, opened again with the problem until they fit. */
async function editBrief(
  current: BriefRequest["brief"],
  context: PromptContext,
): Promise<ReviewAnswer["brief"]> {
  const { in_scope, out_of_scope, repos, integrations } = current;
  const text = await editor(
    {
      message: "Edit the brief (YAML); save and close the editor to go on",
      // One line per item: folded lines are easy to break when editing.
      default: YAML.stringify({ in_scope, out_of_scope, repos, integrations }, { lineWidth: 0 }),
      postfix: ".yaml",
      waitForUserInput: false,
      validate: (edited) => problemIn(edited) ?? true,
    },
    context,
  );
  return EditedBrief.parse(YAML.parse(text));
}

function problemIn(text: string): string | undefined {
  let value: unknown;
  try {
    value = YAML.parse(text);
  } catch (error) {
    return `not YAML: ${error instanceof Error ? error.message : String(error)}`;
  }
  const parsed = EditedBrief.safeParse(value);
  if (parsed.success) return undefined;
  return schemaProblems(parsed.error, "the brief");
}
