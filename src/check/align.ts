/**
 * Longest-common-subsequence alignment of two key lists. `weight(i, j)` scores a match of
 * equal keys; a large base weight keeps the number of matches the first priority, so a small
 * bonus (e.g. "the parents match too") only breaks ties between equally long alignments.
 * Returns the matched index pairs, in order.
 */
export function alignKeys(
  a: string[],
  b: string[],
  weight: (i: number, j: number) => number,
): [number, number][] {
  const score = scoreTable(a, b, weight);
  const at = (i: number, j: number) => score[i]?.[j] ?? 0;
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j] && at(i, j) === weight(i, j) + at(i + 1, j + 1)) {
      pairs.push([i, j]);
      i += 1;
      j += 1;
    } else if (at(i + 1, j) >= at(i, j + 1)) {
      i += 1;
    } else {
      j += 1;
    }
  }
  return pairs;
}

/** score[i][j] = best alignment score of a[i..] with b[j..]. */
function scoreTable(
  a: string[],
  b: string[],
  weight: (i: number, j: number) => number,
): number[][] {
  const score = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    const row = score[i] ?? [];
    const below = score[i + 1] ?? [];
    for (let j = b.length - 1; j >= 0; j -= 1) {
      const skip = Math.max(below[j] ?? 0, row[j + 1] ?? 0);
      const take = a[i] === b[j] ? weight(i, j) + (below[j + 1] ?? 0) : -1;
      row[j] = Math.max(skip, take);
    }
  }
  return score;
}
