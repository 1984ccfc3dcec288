/** A small element builder: text only ever goes in as text, never as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

let lastAnnouncement = 0;

/** Tells a screen reader what changed, at most every 2 s unless it matters (done, failed). */
export function announce(message: string, urgent = false): void {
  const now = Date.now();
  if (!urgent && now - lastAnnouncement < 2000) return;
  lastAnnouncement = now;
  const region = document.getElementById("announcer");
  if (region) region.textContent = message;
}
