import type { StreamEvent } from "./stream-event.js";

/** One event of one draft, as it travels between processes. */
export type BusEvent = [draftId: string, event: StreamEvent];

/** How the processes of one database pass each other the events of the drafts they run. */
export interface EventBus {
  /** Sends a draft's published event to every other process on the database, in order. */
  publish(draftId: string, event: StreamEvent): void;
  /** Each event another process published, in the order it published them. */
  onEvent(listener: (draftId: string, event: StreamEvent) => void): void;
  /** The listening connection dropped: whatever was sent meanwhile was not heard. */
  onGap(listener: () => void): void;
  close(): Promise<void>;
}
