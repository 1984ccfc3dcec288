import type { Block, FieldBlock, Section, Template } from "../template/types.js";
import { escapeRegExp, type ScannedPlan } from "./scan.js";
import type { RawFinding } from "./types.js";

interface ChoiceField {
  sectionId: string | undefined;
  label: string;
  options: string[];
  /** Matches a plan line with the field's label in the template's style; group 1 = value. */
  pattern: RegExp;
}

/** CHOICE_INVALID: a choice field's value in its section must be exactly one option. */
export function checkChoices(
  scan: ScannedPlan,
  template: Template,
  sectionAt: (line: number) => string | undefined,
): RawFinding[] {
  const fields = choiceFields(template);
  if (fields.length === 0) return [];
  return scan.lines.flatMap((line) => {
    if (line.fenced) return [];
    const sectionId = sectionAt(line.line);
    return fields.flatMap((field) => {
      if (field.sectionId !== sectionId) return [];
      const value = field.pattern.exec(line.text)?.[1];
      if (value === undefined || isOption(value, field.options)) return [];
      return [{ line: line.line, code: "CHOICE_INVALID" as const, message: invalid(field, value) }];
    });
  });
}

function isOption(value: string, options: string[]): boolean {
  const wanted = normalize(value);
  return options.some((option) => normalize(option) === wanted);
}

const normalize = (value: string) => value.trim().replace(/\.$/, "").trim().toLowerCase();

function invalid(field: ChoiceField, value: string): string {
  const got = value.trim() ? `is "${value.trim()}"` : "has no value";
  return `${field.label} ${got}; expected exactly one of ${field.options.join(", ")}`;
}

function choiceFields(template: Template): ChoiceField[] {
  const fields: ChoiceField[] = [];
  const visit = (blocks: Block[], sectionId: string | undefined) => {
    for (const block of blocks) {
      if (block.kind === "field" && block.slot.kind === "choice") {
        const { options } = block.slot;
        fields.push({ sectionId, label: block.label, options, pattern: labelPattern(block) });
      }
    }
  };
  const walk = (sections: Section[]) =>
    sections.forEach((section) => {
      visit(section.blocks, section.id);
      walk(section.children);
    });
  visit(template.preamble, undefined);
  walk(template.sections);
  return fields;
}

/** Same prefix style: a list item if the template's field is one, bold if it is bold. */
function labelPattern(field: FieldBlock): RegExp {
  const marker = field.prefix.trim() ? String.raw`(?:[-*+]|\d+[.)])\s+` : "";
  const label = escapeRegExp(field.label).replace(/ +/g, String.raw`\s+`);
  const styled = field.bold
    ? String.raw`\*\*\s*${label}\s*(?::\s*\*\*|\*\*\s*:)`
    : String.raw`${label}\s*:`;
  return new RegExp(String.raw`^\s*${marker}${styled}(.*)$`, "i");
}
