import type { StoredEvent } from "../store/event-store.js";

export type SectionState = "waiting" | "drafting" | "done" | "failed";

export interface SectionStatus {
  id: string;
  title: string;
  state: SectionState;
  code?: string | undefined;
  message?: string | undefined;
}

/**
 * Where each section of a draft stands, from its saved events (every run: the first, resumes,
 * revisions). A section that was being drafted when its run stopped counts as waiting unless
 * the draft is still running: a resume drafts it again from the start.
 */
export function sectionStates(events: StoredEvent[], running: boolean): SectionStatus[] {
  const sections = new Map<string, SectionStatus>();
  for (const { type, data } of events) {
    const payload = data as Record<string, unknown>;
    const section = sections.get(String(payload.section));
    if (type === "draft.started") {
      for (const s of payload.sections as { id: string; title: string }[]) {
        if (!sections.has(s.id)) sections.set(s.id, { id: s.id, title: s.title, state: "waiting" });
      }
    } else if (section && type === "section.started") {
      Object.assign(section, { state: "drafting", code: undefined, message: undefined });
    } else if (section && type === "section.completed") {
      section.state = "done";
    } else if (section && type === "section.failed") {
      Object.assign(section, { state: "failed", code: payload.code, message: payload.message });
    }
  }
  const states = [...sections.values()];
  if (!running) for (const s of states) if (s.state === "drafting") s.state = "waiting";
  return states.map((s) => (s.code ? s : { id: s.id, title: s.title, state: s.state }));
}
