/**
 * Does `work` for each item, one per turn of the event loop, starting on the next turn: what
 * waits on I/O (a request being sent, a reply arriving) runs between two, so work done ahead
 * never holds it up by more than one item. Stops at the first item that throws: work done ahead
 * is only ahead, and whoever needs that item later does it again and is told the error.
 */
export function oneATurn<T>(items: readonly T[], work: (item: T) => void): void {
  const next = (index: number) => {
    if (index >= items.length) return;
    try {
      work(items[index] as T);
    } catch {
      return;
    }
    setImmediate(next, index + 1);
  };
  setImmediate(next, 0);
}
