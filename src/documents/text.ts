import { AppError } from "../errors.js";

/** The bytes as UTF-8 text, refusing binary and non-UTF-8 bytes with the fix. */
export function decodeText(bytes: Uint8Array, source: string): string {
  if (looksBinary(bytes)) {
    throw new AppError("FEATURE_BINARY", `${source} is a binary file, not a text document`, {
      hint: "give a markdown, plain-text, HTML, Word (.docx) or PDF feature doc",
    });
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new AppError("FEATURE_NOT_UTF8", `${source} is not valid UTF-8 text`, {
      hint: "save the doc as UTF-8 (e.g. `iconv -t UTF-8`)",
    });
  }
}

/** NUL bytes, or many control characters, mean binary; UTF-16 text counts as binary too. */
function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 8192);
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (byte < 9 || (byte > 13 && byte < 32)) control += 1;
  }
  return sample.length > 0 && control / sample.length > 0.1;
}
