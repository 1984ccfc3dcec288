import { AppError } from "../errors.js";
import type { DraftLayout, WorkUnit } from "../../graphs/plan-drafter/topology.js";
import { slugify } from "../template/text.js";

/**
 * The unit a user means by a section name: its id ("testing-strategy"), its title ("Testing
 * Strategy"), its node ("testing"), or, for a repository, the repository ("/gain" or "gain").
 */
export function findSection(layout: DraftLayout, name: string): WorkUnit {
  const wanted = name.trim();
  const slug = slugify(wanted);
  const matches = layout.units.filter(
    (unit) =>
      unit.id === wanted ||
      slugify(unit.section.title) === slug ||
      (unit.node === wanted && layout.units.filter((u) => u.node === wanted).length === 1) ||
      (unit.repo !== undefined &&
        (unit.repo === wanted || unit.repo.replace(/^\//, "") === wanted)),
  );
  if (matches.length === 1 && matches[0]) return matches[0];
  const choices = layout.units.map((u) => u.repo ?? u.section.title).join(", ");
  throw new AppError(
    "SECTION_UNKNOWN",
    `${matches.length > 1 ? "more than one section matches" : "no section matches"} "${name}"`,
    {
      hint: `name one of: ${choices}`,
    },
  );
}
