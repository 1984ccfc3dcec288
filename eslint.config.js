// Type-aware linting: the promise rules catch the bugs that matter most in a streaming server.
// Import rules: no cycles, and each part imports only what sits below it.
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "node_modules/",
      "coverage/",
      "test-artifacts/",
      "eslint.config.js",
      "bin/",
      "scripts/",
      // Loader hooks that node runs as they are (`node --import`), outside the TypeScript project.
      "tests/support/*.mjs",
      "bench/*.mjs",
      // Experiments kept as a record; they import packages plandraft does not depend on.
      "docs/spikes/",
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // Tests read arbitrary JSON (request bodies, SSE payloads) and assert on it.
    files: ["tests/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // The product only: nothing in it imports a test or a benchmark, so they cannot close a cycle
    // through it, and no-cycle's cost grows with every file it checks.
    files: ["src/**/*.ts", "graphs/**/*.ts", "web/src/**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      // Without this the plugin reads only .js files and sees no import at all.
      "import-x/extensions": [".ts", ".js"],
      // Imports name the .js a file compiles to; the TypeScript resolver finds the .ts behind it.
      // No `paths` aliases anywhere, so the root tsconfig resolves the page's imports too.
      "import-x/resolver-next": [createTypeScriptImportResolver()],
    },
    rules: {
      // `import type` is not followed (the plugin always skips it): it is erased at compile time
      // (verbatimModuleSyntax), so it cannot start a module before its imports are ready.
      // Packages are not followed either: they cannot import us back, and following them costs
      // half as much again. No maxDepth: the CLI's cycle ran through nine files.
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-restricted-paths": [
        "error",
        {
          basePath: import.meta.dirname,
          zones: [
            {
              target: "graphs",
              from: ["src/server", "src/drafting"],
              message: "The graph is run by src/drafting; it knows nothing of who runs it.",
            },
            {
              target: "src/template",
              from: "graphs",
              message:
                "The template is what people write; the graph reads its shape from it (graphs/plan-drafter/topology.ts), not the other way.",
            },
            {
              target: "src/drafting",
              from: "src/server",
              message:
                "The draft engine (src/drafting) runs drafts for the server, the worker and the CLI alike; it knows none of them.",
            },
            {
              target: "src/events",
              from: ["src/drafting", "graphs"],
              message:
                "Drafting writes into a run's event stream; the stream knows nothing of drafting.",
            },
            {
              target: ["src/feature", "src/render"],
              from: "src/drafters",
              message: "The drafters read the feature doc and render sections; neither knows them.",
            },
            {
              target: ["src/!(cli)/**", "src/*.ts", "graphs", "web"],
              from: "src/cli",
              message: "Only the CLI imports the CLI.",
            },
            {
              target: "web",
              from: ["src/store", "src/drafting", "src/server", "src/deps.ts", "graphs"],
              message: "The page runs in the browser and reaches these through the HTTP API.",
            },
          ],
        },
      ],
    },
  },
);
