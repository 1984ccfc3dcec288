import type { Cited } from "../facts.js";
import type { MetadataField } from "./metadata.js";
import type { DocReading } from "./passages.js";

const MONTH =
  "(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)\\.?";
const DATE = new RegExp(
  [
    "\\b\\d{4}-\\d{2}-\\d{2}\\b",
    "\\b\\d{4}-(0[1-9]|1[0-2])\\b(?!-)",
    `\\b${MONTH}\\s+\\d{1,2}(st|nd|rd|th)?,?\\s+\\d{4}\\b`,
    `\\b\\d{1,2}(st|nd|rd|th)?\\s+${MONTH}\\s+\\d{4}\\b`,
    `\\b${MONTH}\\s+\\d{4}\\b`,
    "\\b\\d{1,2}/\\d{1,2}/\\d{4}\\b",
    "\\b(Q[1-4]|H[12])\\s*(FY)?'?\\d{2,4}\\b",
    "\\bend of (Q[1-4]|H[12]|the (quarter|month|year|sprint))\\b",
    "\\d{4}\\s*年\\s*\\d{1,2}\\s*月",
  ].join("|"),
  "i",
);

/** Words of a deadline that need no calendar date: "before the EU launch", "no later than". */
const DEADLINE =
  /\b(deadline|due (date|by)|no later than|go[- ]live|launch date|target date|cut-?off date|code freeze)\b|\b(before|by) the [\w -]{1,30}\b(launch|release|freeze|cutover|go-live|GA|migration|deadline)\b/i;

/** A date is a plan's business where the doc schedules something by it, not where it recounts. */
const SCHEDULED =
  /\b(by|before|until|till|no later than|deadline|due|target\w*|ship\w*|launch\w*|releas\w*|deliver\w*|complet\w*|go[- ]live|freeze|GA|beta|alpha|milestones?|start\w*|begin\w*|kick[- ]?off|end\w*|sunset\w*|deprecat\w*|migrat\w*|cut-?over|planned|scheduled|expected|after|effective|phase|sprint|will|must)\b|截止|之前|上线|发布/i;
const TIMELINE =
  /timeline|milestones?|schedule|roadmap|rollout|release plan|deadlines?|dates|时间/i;

/** Metadata keys whose date is a deadline, not a record of when the doc was written. */
const DEADLINE_KEY = /target|deadline|due|launch|go[- ]live|release|milestone/i;

/**
 * Dates and deadlines: a passage that schedules something by a calendar date or a quarter (or
 * stands under a timeline heading), and deadline words. The doc's own bookkeeping (created,
 * last updated, a changelog) and dates it recounts are not; a metadata field such as "Target
 * release" is.
 */
export function readDates(
  doc: DocReading,
  metadata: { lines: ReadonlySet<number>; fields: MetadataField[] },
): Cited[] {
  const dates: Cited[] = [];
  for (const passage of doc.passages) {
    if (passage.reference || metadata.lines.has(passage.line)) continue;
    if (passage.form === "heading" && !DEADLINE.test(passage.plain)) continue;
    const scheduled = SCHEDULED.test(passage.plain) || passage.path.some((t) => TIMELINE.test(t));
    if ((DATE.test(passage.plain) && scheduled) || DEADLINE.test(passage.plain))
      dates.push({ text: passage.text, line: passage.line });
  }
  for (const field of metadata.fields) {
    if (DEADLINE_KEY.test(field.key) && (DATE.test(field.value) || DEADLINE.test(field.value)))
      dates.push({ text: `${field.key}: ${field.value}`, line: field.line });
  }
  return dates
    .filter((d, i) => dates.findIndex((e) => e.line === d.line) === i)
    .sort((a, b) => a.line - b.line);
}
