import type { z } from "zod";
import { MAX_REVIEW_QUESTIONS, type ReviewAnswer, type ReviewGate } from "../events/contract.js";
import { openQuestions, type Brief, type OpenQuestion } from "./brief.js";
import { questionKey } from "../render/markers.js";

/** What a gate shows a person: the brief and its questions, or a revision's re-drafted section. */
export type ReviewRequest = z.infer<typeof ReviewGate>;
/** The brief's gate: its scope and the questions worth a person's time. */
export type BriefRequest = Extract<ReviewRequest, { kind: "brief" }>;
/** A revision's gate: the re-drafted section, before its dependents are re-drafted. */
export type RevisionReviewRequest = Extract<ReviewRequest, { kind: "revision" }>;
export type ReviewQuestion = BriefRequest["questions"][number];

/** A question a person answered at the gate, as the sections and the appendix read it. */
export interface AnsweredQuestion {
  question: string;
  answer: string;
  /** The answer is the suggestion the gate offered (the brief's own assumption). */
  suggested: boolean;
  sections: string[];
}

/** What a person decided at the gate, kept in the draft's state for every section to read. */
export interface Reviewed {
  answers: AnsweredQuestion[];
  /** Repositories the person marked untouched: their sections are not drafted by the model. */
  untouched: string[];
}

/**
 * The questions worth asking: those that block implementation first, then those on which more
 * of the plan depends; at most MAX_REVIEW_QUESTIONS, so a person answers what changes the plan
 * most rather than every gap. The others stay open, with their assumptions, in the appendix.
 */
export function reviewQuestions(brief: Brief): ReviewQuestion[] {
  const ranked = openQuestions(brief)
    .map((q, order) => ({ q, order }))
    .sort(
      (a, b) =>
        Number(b.q.blocking) - Number(a.q.blocking) ||
        b.q.sections.length - a.q.sections.length ||
        a.order - b.order,
    );
  return ranked.slice(0, MAX_REVIEW_QUESTIONS).map(({ q }, i) => ({
    id: `q${i + 1}`,
    question: q.question,
    why: whyItMatters(q),
    suggestion: suggestionOf(q),
    choices: choicesOf(q),
    sections: q.sections,
    blocking: q.blocking,
  }));
}

/**
 * The brief's assumption, offered as the answer; none ("") where the assumption is only a TODO
 * (the rule-based drafter's, which guesses nothing): approving cannot answer for the person.
 */
function suggestionOf(q: OpenQuestion): string {
  return /^\s*TODO\b/i.test(q.assumption) ? "" : q.assumption;
}

/**
 * The options to pick from, where the brief names a few (two at least: one is no choice), with
 * the suggestion among them, so that taking it (Enter, `--approve`) is always a valid pick.
 */
function choicesOf(q: OpenQuestion): string[] {
  const choices = [...new Set((q.choices ?? []).map((c) => c.trim()).filter(Boolean))];
  if (choices.length < 2) return [];
  const suggestion = suggestionOf(q);
  return suggestion && !choices.includes(suggestion) ? [suggestion, ...choices] : choices;
}

function whyItMatters(q: OpenQuestion): string {
  const meanwhile = suggestionOf(q)
    ? "the plan assumes the suggestion until it is answered"
    : "the plan leaves it TODO until it is answered";
  const where =
    q.sections.length > 0
      ? `the plan's ${q.sections.join(", ")} depend${q.sections.length === 1 ? "s" : ""} on it`
      : meanwhile;
  return q.blocking ? `${where}; implementation cannot start without an answer` : where;
}

export function reviewRequestOf(brief: Brief): BriefRequest {
  return {
    kind: "brief",
    brief: {
      goal: brief.goal,
      in_scope: brief.in_scope,
      out_of_scope: brief.out_of_scope,
      repos: brief.repos,
      integrations: brief.integrations,
    },
    questions: reviewQuestions(brief),
  };
}

/**
 * What in an answer does not fit the gate it answers, each naming its field (`answers.q7`,
 * `brief.repos[1].repo`) and what would fit; empty when it fits.
 */
export function answerProblems(request: ReviewRequest, answer: ReviewAnswer): string[] {
  if (request.kind === "revision") {
    // A revision's gate keeps or drops one section: there is no brief or question to answer.
    return [
      ...(answer.brief ? ["brief: a revision's review takes approve alone"] : []),
      ...(answer.answers ? ["answers: a revision's review takes approve alone"] : []),
    ];
  }
  const problems: string[] = [];
  const ids = request.questions.map((q) => q.id);
  for (const [id, text] of Object.entries(answer.answers ?? {})) {
    const question = request.questions.find((q) => q.id === id);
    if (!question) {
      problems.push(
        `answers.${id}: no such question (${ids.length > 0 ? `the questions are ${ids.join(", ")}` : "the gate asked none"})`,
      );
    } else if (question.choices.length > 0 && !question.choices.includes(text)) {
      problems.push(`answers.${id}: answer one of ${question.choices.join(" | ")}`);
    }
  }
  const known = request.brief.repos.map((r) => r.repo);
  (answer.brief?.repos ?? []).forEach((entry, i) => {
    if (!known.includes(entry.repo)) {
      problems.push(
        `brief.repos[${i}].repo: ${entry.repo} is not a repository of the plan template (${known.join(", ") || "it names none"})`,
      );
    }
  });
  return problems;
}

/**
 * The brief as the person left it, and what they decided: the parts they edited replace the
 * brief's (repositories by name), and each answered question leaves the open ones.
 */
export function applyReview(
  brief: Brief,
  request: BriefRequest,
  answer: ReviewAnswer,
): { brief: Brief; reviewed: Reviewed } {
  const edit = answer.brief ?? {};
  const repos = brief.repos.map((entry) => edit.repos?.find((e) => e.repo === entry.repo) ?? entry);
  const untouched = (edit.repos ?? []).filter((e) => !e.touched).map((e) => e.repo);
  const answers = request.questions.flatMap((q): AnsweredQuestion[] => {
    const text = answer.answers?.[q.id]?.trim();
    return text
      ? [
          {
            question: q.question,
            answer: text,
            suggested: text === q.suggestion,
            sections: q.sections,
          },
        ]
      : [];
  });
  return {
    brief: {
      ...brief,
      ...(edit.goal !== undefined ? { goal: edit.goal } : {}),
      ...(edit.in_scope !== undefined ? { in_scope: edit.in_scope } : {}),
      ...(edit.out_of_scope !== undefined ? { out_of_scope: edit.out_of_scope } : {}),
      ...(edit.integrations !== undefined ? { integrations: edit.integrations } : {}),
      repos,
    },
    reviewed: { answers, untouched },
  };
}

/** The brief's questions nobody answered at the gate: what the appendix still lists as open. */
export function stillOpen(brief: Brief, reviewed: Reviewed | undefined): OpenQuestion[] {
  const answered = new Set((reviewed?.answers ?? []).map((a) => questionKey(a.question)));
  return openQuestions(brief).filter((q) => !answered.has(questionKey(q.question)));
}
