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

/** A template heading as plain words: its code ticks (`/gain`) are neither shown nor read out. */
export const plainTitle = (title: string): string => title.replace(/`/g, "");

/** The least time between two announcements of progress. */
const ANNOUNCE_GAP_MS = 2000;
let lastAnnouncement = 0;
let pending: ReturnType<typeof setTimeout> | undefined;
let latest = "";

function say(message: string): void {
  lastAnnouncement = Date.now();
  const region = document.getElementById("announcer");
  if (region) region.textContent = message;
}

/**
 * Tells a screen reader what changed. Progress goes out at most every 2 s: a message that comes
 * sooner waits, and a newer one replaces it, so the reader hears the latest state, not a flood.
 * What matters (done, failed) goes out at once.
 */
export function announce(message: string, urgent = false): void {
  clearTimeout(pending);
  pending = undefined;
  const wait = lastAnnouncement + ANNOUNCE_GAP_MS - Date.now();
  if (urgent || wait <= 0) return say(message);
  latest = message;
  pending = setTimeout(() => {
    pending = undefined;
    say(latest);
  }, wait);
}
