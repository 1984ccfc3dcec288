import { marked } from "marked";
import { describe, expect, it } from "vitest";
import { featureLink } from "../../src/feature/feature-doc.js";
import { fileNameProblem, titleProblem } from "../../src/feature/names.js";
import { isSafeLinkTarget, withSafeLinks } from "../../src/render/safe-links.js";
import { blockText, cellText, inlineText } from "../../src/render/text.js";
import { followedScheme, targetsIn } from "../support/rendered-links.js";

// Plans are read in any markdown renderer: links from a model or a doc go to http(s), mailto or
// a relative path, or nowhere (issue 10, finding 9).

/** Model text that must lose its link, and the text the plan keeps instead. */
const ATTACKS: [spelling: string, model: string, kept: string][] = [
  ["javascript:", "[Docs](javascript:alert(1))", "Docs"],
  ["mixed case", "[Docs](JaVaScRiPt:alert(1))", "Docs"],
  ["leading spaces and a tab", "[Docs](  \tjavascript:alert(1))", "Docs"],
  ["hex reference", "[Docs](&#x6a;avascript:alert(1))", "Docs"],
  ["decimal reference, zero-padded, no semicolon", "[Docs](&#0000106avascript:alert(1))", "Docs"],
  ["named colon", "[Docs](javascript&colon;alert(1))", "Docs"],
  ["a tab inside the scheme", "[Docs](java&Tab;script:alert(1))", "Docs"],
  ["a control character first", "[Docs](&#1;javascript:alert(1))", "Docs"],
  ["backslash-escaped colon", "[Docs](javascript\\:alert(1))", "Docs"],
  ["angle-bracket destination", "[Docs](<javascript:alert(1)>)", "Docs"],
  ["with a title", '[Docs](javascript:alert(1) "Read me")', "Docs"],
  ["data:", "[Docs](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "Docs"],
  ["vbscript:", "[Docs](vbscript:msgbox(1))", "Docs"],
  ["file:", "[Docs](file:///etc/passwd)", "Docs"],
  ["an image", "![diagram](javascript:alert(1))", "diagram"],
  ["an image with data:", "![pixel](data:image/svg+xml,%3Csvg%20onload=alert(1)%3E)", "pixel"],
  ["nested links", "[[inner](javascript:alert(1))](javascript:alert(2))", "inner"],
  ["an image in a link", "[![logo](javascript:alert(1))](javascript:alert(2))", "logo"],
  ["a reference", "[Docs][x]\n\n[x]: javascript:alert(1)\n\nok", "Docs"],
  ["an autolink", "<javascript:alert(1)>", "javascript:alert(1)"],
  ["a bare ftp autolink", "ftp://example.com/file", "ftp://example.com/file"],
];

describe("links from a model or a doc", () => {
  for (const [spelling, model, kept] of ATTACKS) {
    it(`lose their target, keep their text: ${spelling}`, () => {
      for (const render of [inlineText, blockText, cellText]) {
        const markdown = render(`see ${model} here`);
        expect(targetsIn(markdown).map(followedScheme), markdown).toEqual([]);
        const html = marked.parse(markdown, { async: false });
        expect(html).not.toMatch(/<(a|img)\b/);
        expect(html.replace(/<[^>]+>/g, "")).toContain(kept);
      }
    });
  }

  it("keep http(s), mailto and relative targets, and code spans as written", () => {
    const safe =
      "[Docs](https://example.com/a?b=1#c) [Mail](mailto:team@example.com) [Plan](./docs/plan.md) " +
      "[Up](../README.md) [Top](#top) [Cross](//example.com/x) ![chart](https://example.com/c.png) " +
      "https://example.com/bare www.example.com";
    expect(inlineText(safe)).toBe(safe);
    expect(targetsIn(inlineText(safe)).map(followedScheme)).toEqual([
      "https",
      "mailto",
      "relative",
      "relative",
      "relative",
      "relative",
      "https",
      "https",
      "http",
    ]);
    const code = "call `[a](javascript:alert(1))` and `<img src=x onerror=alert(1)>` as written";
    expect(inlineText(code)).toBe(code);
  });

  it("in prose, a definition is escaped, wherever it starts a block", () => {
    expect(blockText("[Docs][x]\n\n[x]: javascript:alert(1)")).toBe(
      "Docs\n\n\\[x]: javascript:alert(1)",
    );
    expect(blockText("- [x]: javascript:alert(1)\n\n[Docs][x]")).toBe(
      "- \\[x]: javascript:alert(1)\n\nDocs",
    );
    expect(blockText("[x]: https://example.com\n\n[Docs][x]")).toBe(
      "[x]: https://example.com\n\n[Docs][x]",
    );
  });

  it("an escaped backtick opens no code span to hide a tag in", () => {
    const markdown = inlineText("\\`<img src=x onerror=alert(1)>`");
    expect(marked.parse(markdown, { async: false })).not.toMatch(/<img/);
  });

  it("deep nesting ends with no link at all", () => {
    const deep = `${"[".repeat(12)}x${"](javascript:alert(1))".repeat(12)}`;
    const markdown = withSafeLinks(deep);
    expect(targetsIn(markdown)).toEqual([]);
  });
});

describe("isSafeLinkTarget", () => {
  it.each([
    "https://example.com",
    "HTTP://example.com",
    "mailto:a@example.com",
    "./plan.md",
    "plan.md",
    "docs/a:b.md",
    "#top",
    "?q=1",
    "//example.com",
  ])("follows %j", (target) => expect(isSafeLinkTarget(target)).toBe(true));

  it.each([
    "javascript:alert(1)",
    " JAVASCRIPT:alert(1)",
    "\u0001javascript:alert(1)",
    "java\tscript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "&#106avascript:alert(1)",
    "javascript&colon;alert(1)",
    "javascript\\:alert(1)",
    "data:text/html,x",
    "vbscript:x",
    "file:///etc/passwd",
    "ftp://example.com",
    "x:y",
    "java script:alert(1)",
  ])("refuses %j", (target) => expect(isSafeLinkTarget(target)).toBe(false));
});

describe("names at the edge", () => {
  it("the link to the doc is one relative path, percent-encoded", () => {
    expect(featureLink("docs/watchlist.md")).toBe("./watchlist.md");
    expect(featureLink("x<img src=x onerror=alert(1)>.md")).toBe(
      "./x%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.md",
    );
    expect(featureLink("a (draft) [v2].md")).toBe("./a%20%28draft%29%20%5Bv2%5D.md");
    expect(featureLink("javascript:alert(1)")).toBe("./javascript%3Aalert%281%29");
  });

  it("titles and file names: control characters and absurd lengths are refused, with the fix", () => {
    expect(titleProblem("<script>alert(1)</script> & more")).toBeUndefined();
    expect(titleProblem("a\u0007b")).toBe(
      "has a control character (U+0007) at position 2: remove it",
    );
    expect(titleProblem("evil\u202Etxt.md")).toMatch(/U\+202E/);
    expect(titleProblem("  ")).toMatch(/is blank/);
    expect(titleProblem("x".repeat(201))).toBe(
      "is 201 characters long, over the 200 allowed: shorten it",
    );
    expect(fileNameProblem("x<img src=x onerror=alert(1)>.md")).toBeUndefined();
    expect(fileNameProblem("a\nb.md")).toMatch(/U\+000A/);
    expect(fileNameProblem("..")).toBe("is not a file name");
    expect(fileNameProblem(`${"x".repeat(253)}.md`)).toMatch(/over the 255 allowed/);
  });
});
