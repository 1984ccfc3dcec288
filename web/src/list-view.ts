import { getJson } from "./api.js";
import { el } from "./dom.js";

interface DraftSummary {
  id: string;
  title: string;
  status: string;
  createdAt: string;
}

/** Past drafts, newest first; each opens its page (live if it is still running). */
export async function listView(): Promise<HTMLElement> {
  const { drafts } = await getJson<{ drafts: DraftSummary[] }>("/v1/drafts?limit=50");
  const items = drafts.map((draft) =>
    el(
      "li",
      {},
      el("a", { href: `/drafts/${draft.id}`, text: draft.title }),
      // In words: "awaiting review", not the API's awaiting_review.
      el("span", { class: `badge status-${draft.status}`, text: draft.status.replace(/_/g, " ") }),
      el("time", { datetime: draft.createdAt, text: new Date(draft.createdAt).toLocaleString() }),
    ),
  );
  return el(
    "section",
    { class: "past" },
    el("h1", { text: "Past drafts" }),
    items.length > 0
      ? el("ul", { class: "draft-list" }, ...items)
      : el("p", { text: "No drafts yet." }),
  );
}
