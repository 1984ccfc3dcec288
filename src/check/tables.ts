import type { PlanLine, ScannedPlan } from "./scan.js";
import type { RawFinding } from "./types.js";

const SEPARATOR_CELL = /^\s*:?-+:?\s*$/;

export function isTableLine(line: PlanLine): boolean {
  return !line.fenced && line.text.trimStart().startsWith("|");
}

/** Cells of a pipe-table row; `\|` is a pipe inside a cell, not a border. */
export function splitCells(row: string): string[] {
  const cells: string[] = [];
  let cell = "";
  const text = row.trim();
  for (let i = text.startsWith("|") ? 1 : 0; i < text.length; i += 1) {
    const char = text[i] ?? "";
    if (char === "\\") {
      cell += char + (text[i + 1] ?? "");
      i += 1;
    } else if (char === "|") {
      cells.push(cell);
      cell = "";
    } else {
      cell += char;
    }
  }
  // A row ends with its closing pipe; text after the last pipe is a cell only if not blank.
  if (cell.trim() !== "" || cells.length === 0) cells.push(cell);
  return cells.map((c) => c.trim());
}

/** Every run of `|` lines outside fences must be header, separator, rows of the same width. */
export function checkTables(scan: ScannedPlan): RawFinding[] {
  return tableRuns(scan.lines).flatMap(checkRun);
}

function tableRuns(lines: PlanLine[]): PlanLine[][] {
  const runs: PlanLine[][] = [];
  let run: PlanLine[] = [];
  for (const line of lines) {
    if (isTableLine(line)) {
      run.push(line);
    } else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

function checkRun([header, separator, ...rows]: PlanLine[]): RawFinding[] {
  if (!header) return [];
  const width = splitCells(header.text).length;
  const separatorCells = separator ? splitCells(separator.text) : [];
  if (!separator || !separatorCells.every((c) => SEPARATOR_CELL.test(c))) {
    const example = `|${"---|".repeat(width)}`;
    return [
      malformed(header.line, `table has no separator row under its header (expected ${example})`),
    ];
  }
  const findings: RawFinding[] = [];
  if (separatorCells.length !== width) {
    findings.push(
      malformed(separator.line, cellCount("separator row", separatorCells.length, width)),
    );
  }
  for (const row of rows) {
    const count = splitCells(row.text).length;
    if (count !== width) findings.push(malformed(row.line, cellCount("row", count, width)));
  }
  return findings;
}

function cellCount(what: string, count: number, width: number): string {
  return `${what} has ${count} ${count === 1 ? "cell" : "cells"}, the header has ${width}`;
}

function malformed(line: number, message: string): RawFinding {
  return { line, code: "TABLE_MALFORMED", message };
}
