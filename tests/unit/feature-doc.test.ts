import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { toFeatureDoc } from "../../src/feature/feature-doc.js";

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/features/${name}`, import.meta.url));
const doc = (text: string | Buffer, source = "feature.md", max = 512 * 1024) =>
  toFeatureDoc(typeof text === "string" ? Buffer.from(text) : text, source, max);

describe("toFeatureDoc", () => {
  it("names the feature from front matter, a Title line, the first telling H1, or the file name", () => {
    expect(doc(fixture("03-backstage-bep-catalog-history.md")).name).toBe(
      "Catalog History and Events",
    );
    expect(doc(fixture("07-haystack-mrkl-agent.md")).name).toBe("MRKLAgent");
    expect(doc(fixture("05-speckit-langgraph-long-term-memory.md")).name).toBe(
      "Feature Specification: LangGraph Long-Term Memory",
    );
    expect(doc(fixture("14-terminal-actions-page-user-stories.md")).name).toBe("Actions Page");
    expect(
      doc(
        fixture("02-rust-rfc-3660-crates-io-crate-deletions.md"),
        "02-rust-rfc-3660-crates-io-crate-deletions.md",
      ).name,
    ).toBe("Rust rfc 3660 crates io crate deletions");
    expect(doc("## The problem:\ntext", "13-evict-user.md").name).toBe("Evict user");
    expect(doc("just text", "-").name).toBe("Feature");
  });

  it("drops HTML comments but keeps their line breaks, and accepts CRLF", () => {
    const feature = doc("# Title\r\n<!-- hidden\r\nnote -->\r\nBody\r\n");
    expect(feature.text).toBe("# Title\n\n\nBody\n");
  });

  it("refuses empty, binary, non-UTF-8 and oversized docs with the fix", () => {
    expect(() => doc(" \n ")).toThrow(/is empty/);
    expect(() => doc("<!-- only a comment -->")).toThrow(/is empty/);
    expect(() => doc(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00]))).toThrow(/binary/);
    expect(() => doc(Buffer.from([0x23, 0x20, 0xe9, 0x0a]))).toThrow(/not valid UTF-8/);
    expect(() => doc("x".repeat(2000), "big.md", 1024)).toThrow(
      /big\.md is 2 KiB, over the 1 KiB limit/,
    );
  });
});
