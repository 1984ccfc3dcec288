import { ApiError, getJson, request } from "./api.js";
import { el } from "./dom.js";
import { workspaceLine, type MappedRepository } from "./grounding.js";

/** What the server offers (GET /v1/config). */
interface ServerConfig {
  defaultModel: string;
  models: string[];
  maxFeatureBytes: number;
  templates: { id: string; title: string }[];
  /** The repositories drafts are grounded in; null when the server has no workspace. */
  workspace: { repositories: MappedRepository[] } | null;
}

/** Where a file dropped on the page goes: the start form on show, if any. */
let takeDroppedFile: ((file: File) => void) | undefined;
document.addEventListener("dragover", (event) => event.preventDefault());
document.addEventListener("drop", (event) => {
  event.preventDefault();
  const file = event.dataTransfer?.files[0];
  if (file && document.querySelector("form.start")) takeDroppedFile?.(file);
});

const kib = (bytes: number) => `${Math.ceil(bytes / 1024)} KiB`;

/** Word, PDF and HTML files go to the server as they are: it reads them, the page does not. */
const DOCUMENT_TYPES = [
  "application/pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "text/html",
];
const isDocument = (file: File) =>
  /\.(docx|pdf|html?)$/i.test(file.name) || DOCUMENT_TYPES.includes(file.type);

/** Reads a dropped or chosen file as text, refusing what the server would refuse, with why. */
export async function readFeatureFile(
  file: File,
  maxBytes: number,
): Promise<{ text: string; name: string }> {
  if (file.size === 0) throw new Error(`${file.name} is empty.`);
  if (file.size > maxBytes) {
    throw new Error(`${file.name} is ${kib(file.size)}, over the ${kib(maxBytes)} limit.`);
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.includes(0)) throw new Error(`${file.name} is a binary file, not a text document.`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${file.name} is not UTF-8 text. Save it as UTF-8 and try again.`);
  }
  if (!text.trim()) throw new Error(`${file.name} has only blank lines.`);
  return { text, name: file.name };
}

/** Paste a feature doc, drop a file on the page, or choose one; then start the draft. */
export async function startView(
  onStarted: (id: string) => void,
  onAuthNeeded: (error: ApiError) => void,
): Promise<HTMLElement> {
  const config = await getJson<ServerConfig>("/v1/config");
  const maxBytes = config.maxFeatureBytes;
  const feature = el("textarea", {
    id: "feature",
    name: "feature",
    rows: "14",
    placeholder: "# Feature name\n\nWhat it does, for whom, what is in scope…",
    "aria-describedby": "feature-hint",
  });
  const file = el("input", {
    id: "feature-file",
    type: "file",
    accept: `.md,.markdown,.txt,text/*,.html,.htm,.docx,.pdf,${DOCUMENT_TYPES.join(",")}`,
  });
  const title = el("input", { id: "title", name: "title", type: "text", maxlength: "200" });
  const model = el("select", { id: "model", name: "model" });
  for (const name of config.models) {
    const option = el("option", {
      value: name,
      text: name === "none" ? "none (no LLM: rules only)" : name,
    });
    option.selected = name === config.defaultModel;
    model.append(option);
  }
  const template = el("select", { id: "template", name: "template" });
  for (const offered of config.templates)
    template.append(el("option", { value: offered.id, text: offered.title }));
  template.append(el("option", { value: "upload", text: "My own template (a markdown file)…" }));
  const templateFile = el("input", {
    id: "template-file",
    type: "file",
    accept: ".md,.markdown,.txt",
    hidden: "",
  });
  const templateLabel = el("label", { for: "template-file", text: "Template file", hidden: "" });
  template.addEventListener("change", () => {
    templateFile.hidden = templateLabel.hidden = template.value !== "upload";
  });
  const message = el("p", { class: "form-error", role: "alert" });
  const submit = el("button", { type: "submit", class: "primary", text: "Draft the plan" });
  // On by default: a wrong reading of the scope is cheaper to fix before the sections are paid for.
  const reviewFirst = el("input", { id: "review-first", type: "checkbox", checked: "" });
  const reviewHint = el("p", {
    class: "hint",
    id: "review-first-hint",
    text: "The draft stops after reading the doc, so you can correct its brief and answer its questions before any section is drafted.",
  });
  reviewFirst.setAttribute("aria-describedby", reviewHint.id);
  const status = el("p", { class: "hint", role: "status" });
  let source: string | undefined;
  /** A Word, PDF or HTML file chosen or dropped: sent as is, in place of the text. */
  let documentFile: File | undefined;
  const useDocument = (chosen: File | undefined) => {
    documentFile = chosen;
    status.textContent = chosen ? `${chosen.name} will be sent as it is; the server reads it.` : "";
  };
  feature.addEventListener("input", () => useDocument(undefined));

  const useFile = async (chosen: File | undefined) => {
    if (!chosen) return;
    message.textContent = "";
    useDocument(undefined);
    if (isDocument(chosen)) {
      if (chosen.size === 0) message.textContent = `${chosen.name} is empty.`;
      else if (chosen.size > maxBytes) {
        message.textContent = `${chosen.name} is ${kib(chosen.size)}, over the ${kib(maxBytes)} limit.`;
      } else {
        feature.value = "";
        useDocument(chosen);
      }
      return;
    }
    try {
      const read = await readFeatureFile(chosen, maxBytes);
      feature.value = read.text;
      source = read.name;
    } catch (error) {
      message.textContent = (error as Error).message;
    }
  };
  file.addEventListener("change", () => void useFile(file.files?.[0]));

  const form = el(
    "form",
    { class: "start", novalidate: "" },
    el("h1", { text: "Draft an implementation plan" }),
    el("p", {
      id: "feature-hint",
      class: "hint",
      text: "Paste a feature doc, drop a file (markdown, Word, PDF or HTML) anywhere on this page, or choose one.",
    }),
    el("label", { for: "feature", text: "Feature doc" }),
    feature,
    el(
      "div",
      { class: "row" },
      el("label", { for: "feature-file", text: "Or choose a file" }),
      file,
    ),
    status,
    el("label", { for: "title", text: "Title (optional: taken from the doc otherwise)" }),
    title,
    el(
      "div",
      { class: "choices" },
      el("div", {}, el("label", { for: "model", text: "Model" }), model),
      el("div", {}, el("label", { for: "template", text: "Template" }), template),
    ),
    templateLabel,
    templateFile,
    ...(config.workspace
      ? [el("p", { class: "hint workspace", text: workspaceLine(config.workspace.repositories) })]
      : []),
    el(
      "div",
      { class: "row" },
      reviewFirst,
      el("label", { for: "review-first", text: "Review the brief first" }),
    ),
    reviewHint,
    message,
    submit,
  );

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void (async () => {
      message.textContent = "";
      if (!documentFile && !feature.value.trim()) {
        message.textContent = "The feature doc is empty: paste it or choose a file first.";
        feature.focus();
        return;
      }
      if (!documentFile && new TextEncoder().encode(feature.value).length > maxBytes) {
        message.textContent = `The feature doc is over the ${kib(maxBytes)} limit.`;
        return;
      }
      let templateText: string | undefined;
      if (template.value === "upload") {
        const chosen = templateFile.files?.[0];
        if (!chosen) {
          message.textContent = "Choose the template file first.";
          return;
        }
        try {
          templateText = (await readFeatureFile(chosen, maxBytes)).text;
        } catch (error) {
          message.textContent = (error as Error).message;
          return;
        }
      }
      submit.disabled = true;
      try {
        const options = {
          ...(title.value.trim() ? { title: title.value.trim() } : {}),
          model: model.value,
          ...(templateText ? { template: templateText } : { templateId: template.value }),
        };
        const review = reviewFirst.checked;
        const response = await request(
          "/v1/drafts",
          documentFile
            ? {
                method: "POST",
                form: uploadForm(documentFile, { ...options, review: String(review) }),
              }
            : {
                method: "POST",
                json: { feature: feature.value, ...(source ? { source } : {}), ...options, review },
              },
        );
        const { id } = (await response.json()) as { id: string };
        onStarted(id);
      } catch (error) {
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
          onAuthNeeded(error);
          return;
        }
        message.textContent = error instanceof ApiError ? error.message : String(error);
      } finally {
        submit.disabled = false;
      }
    })();
  });

  // A file dropped anywhere on the page fills the form shown now.
  takeDroppedFile = (dropped) => void useFile(dropped);
  return form;
}

/** The options as fields, then the file: the server reads the fields that come before the file. */
function uploadForm(file: File, options: Record<string, string>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(options)) form.append(name, value);
  form.append("feature", file, file.name);
  return form;
}
