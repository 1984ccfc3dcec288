import { ApiError, session } from "./api.js";
import { el } from "./dom.js";
import { DraftView } from "./draft-view.js";
import { listView } from "./list-view.js";
import { startView } from "./start-view.js";

const main = document.getElementById("main") as HTMLElement;
let current: DraftView | undefined;

/** The URL names what is shown, so a reload or a shared link opens the same draft. */
async function route(moveFocus = false): Promise<void> {
  current?.close();
  current = undefined;
  const path = location.pathname;
  const draft = /^\/drafts\/([0-9a-f-]{36})$/.exec(path);
  try {
    if (draft?.[1]) {
      current = new DraftView(draft[1]);
      // Laid out before it goes in: the title and sections appear at once, not one after another.
      await current.open();
      main.replaceChildren(current.root);
    } else if (path === "/drafts") {
      main.replaceChildren(await listView());
    } else {
      main.replaceChildren(await startView((id) => navigate(`/drafts/${id}`), showError));
    }
  } catch (error) {
    showError(error);
  }
  // After a navigation, keyboard and screen-reader users land on the new view's heading.
  const heading = main.querySelector("h1");
  if (moveFocus && heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

function navigate(path: string): void {
  history.pushState(null, "", path);
  void route(true);
}

/** A server with a token asks for it; the page keeps it for this tab's session only. */
function showError(error: unknown): void {
  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
    const input = el("input", { id: "token", type: "password", autocomplete: "off" });
    const form = el(
      "form",
      { class: "token" },
      el("h1", { text: "This server needs an API token" }),
      el("p", {
        text: error.status === 403 ? "That token was not accepted." : "Ask whoever runs it.",
      }),
      el("label", { for: "token", text: "API token" }),
      input,
      el("button", { type: "submit", class: "primary", text: "Continue" }),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      session.setToken(input.value);
      void route();
    });
    main.replaceChildren(form);
    input.focus();
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  main.replaceChildren(el("p", { class: "form-error", role: "alert", text: message }));
}

document.addEventListener("click", (event) => {
  const link = (event.target as Element | null)?.closest("a");
  if (!link || link.origin !== location.origin || link.hasAttribute("download")) return;
  if (link.pathname === location.pathname && link.hash) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  navigate(link.pathname);
});
window.addEventListener("popstate", () => void route(true));
void route();
