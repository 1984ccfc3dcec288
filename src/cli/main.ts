import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { loadConfig, type Config } from "../config.js";
import { ERROR_CODES, EXIT } from "../error-codes.js";
import type { Drafts } from "../drafting/drafts.js";
import { isAppError } from "../errors.js";
import type { WorkspaceOptions } from "../workspace/load.js";
import { WORKSPACE_FILE } from "../workspace/file-name.js";
import { defaultIo, type CliIo } from "./cli-io.js";
import type { CheckOptions } from "./check-command.js";
import type { EvalOptions } from "./eval-command.js";
import type { DraftOptions } from "./draft-options.js";
import type { ReviewOptions } from "./review-command.js";
import { createApiClient, remoteServerOf, type ApiClient } from "./remote/client.js";
import { startEmbeddedStoreQuickly } from "../store/quick-start.js";

// Each command loads what it needs when it runs (the store and the graph, the server, the HTTP
// client), so `--help` and a mistyped option answer without loading the whole program.
const drafting = () => import("./draft-command.js");
const storeCommands = () => import("./store-commands.js");

/** The commands that run until stopped: they keep V8's optimizing compiler for the store. */
const LONG_RUNNING = new Set(["serve", "worker"]);

export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command("plandraft")
    .description(
      "Draft an implementation plan from a feature document, following your plan template",
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError("(run plandraft --help for usage)")
    .hook("preAction", (_program, command) => {
      if (!LONG_RUNNING.has(command.name())) startEmbeddedStoreQuickly();
    })
    .option(
      "--server <url>",
      "draft on the plandraft server at this URL (default: PLANDRAFT_SERVER; token: PLANDRAFT_API_TOKEN)",
      serverUrl,
    );

  /**
   * Runs a command through the server (--server, else PLANDRAFT_SERVER) when one is set, else
   * here, and keeps its exit code.
   */
  const runEither = async (
    remote: (server: ApiClient, config: Config) => Promise<number>,
    local: (config: Config) => Promise<number>,
  ): Promise<void> => {
    const config = loadConfig(io.env);
    const server = remoteServerOf(config, program.opts<{ server?: string }>().server);
    exitCode = server ? await remote(createApiClient(server), config) : await local(config);
  };

  /** Runs a command over the drafts on the server, when one is set, else over those kept here. */
  const withDrafts = async (
    command: (drafts: Drafts, config: Config) => Promise<number>,
  ): Promise<void> => {
    await runEither(
      async (server, config) => {
        const { createHttpDrafts } = await import("./remote/http-drafts.js");
        return using(createHttpDrafts(server, io), config);
      },
      async (config) => {
        const { createLocalDrafts } = await import("../drafting/local-drafts.js");
        return using(createLocalDrafts(config), config);
      },
    );
    async function using(drafts: Drafts, config: Config): Promise<number> {
      try {
        return await command(drafts, config);
      } finally {
        await drafts.close();
      }
    }
  };

  withWorkspaceOptions(program.command("draft"), "ground the plan in")
    .description("draft a plan from a feature doc (a file, or - for stdin)")
    .argument("<feature>", "the feature doc: a markdown file, or - to read stdin")
    .option("-o, --output <file>", "write the plan to this file instead of stdout")
    .option(
      "-t, --template <file>",
      "plan template (default: the bundled implementation-plan template)",
    )
    .addOption(templateIdOption("or the server"))
    .addOption(
      new Option("-m, --model <name>", "openai:<model>, ollama:<model>, or none").env(
        "PLANDRAFT_MODEL",
      ),
    )
    .option("--json", "print the result (id, sections, usage, markdown) as JSON on stdout")
    .option(
      "--review",
      "stop after the analysis to review the brief and answer its questions (exit 3; then `plandraft review ID`)",
    )
    .action(async (feature: string, options: DraftOptions) => {
      const { draftCommand } = await drafting();
      await withDrafts((drafts, config) => draftCommand(drafts, config, feature, options, io));
    });

  program
    .command("list")
    .description("list drafts, newest first")
    .option("--json", "print an array of drafts as JSON")
    .option("-n, --limit <count>", "how many drafts", positiveInt, 50)
    .action(async (options: { json?: boolean; limit: number }) => {
      const { listCommand } = await storeCommands();
      await withDrafts((drafts) => listCommand(drafts, options, io));
    });

  program
    .command("show")
    .description("print a draft's plan (the latest version, or --version N)")
    .argument("<id>", "draft id, or a unique start of it")
    .option("--version <n>", "which version", positiveInt)
    .option("-o, --output <file>", "write the plan to this file instead of stdout")
    .option("--json", "print the draft's record and that version as JSON")
    .action(async (id: string, options: { version?: number; output?: string; json?: boolean }) => {
      const { showCommand } = await storeCommands();
      await withDrafts((drafts) => showCommand(drafts, id, options, io));
    });

  withWorkspaceOptions(program.command("resume"), "ground the rest of the draft in")
    .description("continue an interrupted draft from its last checkpoint")
    .argument("<id>", "draft id, or a unique start of it")
    .option("-o, --output <file>", "write the plan to this file instead of stdout")
    .option("--json", "print the result as JSON on stdout")
    .action(async (id: string, options: { output?: string; json?: boolean } & WorkspaceOptions) => {
      const { resumeCommand } = await drafting();
      await withDrafts((drafts) => resumeCommand(drafts, id, options, io));
    });

  withWorkspaceOptions(program.command("review"), "ground the rest of the draft in")
    .description(
      "answer a draft waiting at its review gate and draft on; with no answer, print what it asks",
    )
    .argument("<id>", "draft id, or a unique start of it")
    .option("--answers <file>", 'a JSON file: { "answers": { "q1": "..." }, "brief": { ... } }')
    .option("--approve", "take the suggested answer of every question the file does not answer")
    .option("--stop", "stop the draft at the gate instead (it ends as cancelled)")
    .option("-o, --output <file>", "write the plan to this file instead of stdout")
    .option("--json", "print the result (or, with no answer, the gate) as JSON on stdout")
    .action(async (id: string, options: ReviewOptions) => {
      const { reviewCommand } = await import("./review-command.js");
      await withDrafts((drafts) => reviewCommand(drafts, id, options, io));
    });

  program
    .command("watch")
    .description("follow a draft that runs elsewhere to its end, and print its plan")
    .argument("<id>", "draft id, or a unique start of it")
    .option("-o, --output <file>", "write the plan to this file instead of stdout")
    .option("--json", "print the result as JSON on stdout")
    .action(async (id: string, options: { output?: string; json?: boolean }) => {
      const { watchCommand } = await drafting();
      await withDrafts((drafts) => watchCommand(drafts, id, options, io));
    });

  withWorkspaceOptions(program.command("revise"), "ground the revised sections in")
    .description("re-draft one section with feedback, as the draft's next version")
    .argument("<id>", "draft id, or a unique start of it")
    .requiredOption(
      "-s, --section <section>",
      "the section: its title, id, node name, or a repository such as /gain",
    )
    .requiredOption("-f, --feedback <text>", "what should change")
    .option("--cascade", "also re-draft the sections that depend on it")
    .option(
      "--review",
      "stop once the section is re-drafted, to keep it (then the cascade) or drop it; exit 3 without a terminal",
    )
    .option("-o, --output <file>", "write the new plan to this file instead of stdout")
    .option("--json", "print the result as JSON on stdout")
    .action(
      async (
        id: string,
        options: {
          section: string;
          feedback: string;
          cascade?: boolean;
          review?: boolean;
          output?: string;
          json?: boolean;
        } & WorkspaceOptions,
      ) => {
        const { reviseCommand } = await drafting();
        await withDrafts((drafts) => reviseCommand(drafts, id, options, io));
      },
    );

  program
    .command("rm")
    .description("delete a draft with its versions and checkpoints")
    .argument("<id>", "draft id, or a unique start of it")
    .action(async (id: string) => {
      const { removeCommand } = await storeCommands();
      await withDrafts((drafts) => removeCommand(drafts, id, io));
    });

  program
    .command("cancel")
    .description("stop a running or waiting draft, wherever it runs; it ends as cancelled")
    .argument("<id>", "draft id, or a unique start of it")
    .action(async (id: string) => {
      const { cancelCommand } = await storeCommands();
      await withDrafts((drafts) => cancelCommand(drafts, id, io));
    });

  program
    .command("templates")
    .description("list the templates a draft can name with --template-id")
    .option("--json", "print an array of { id, title } as JSON")
    .action(async (options: { json?: boolean }) => {
      const { templatesCommand } = await import("./templates-command.js");
      await withDrafts((drafts) => templatesCommand(drafts, options, io));
    });

  program
    .command("serve")
    .description("serve the HTTP API (and run drafts) until stopped")
    .option("--host <host>", "address to listen on (default: PLANDRAFT_HOST, else 127.0.0.1)")
    .option("--port <port>", "port to listen on (default: PLANDRAFT_PORT, else 8080)")
    .option(
      "--allow-no-token",
      "listen on a non-loopback address without PLANDRAFT_API_TOKEN (something in front checks access)",
    )
    .addOption(
      new Option(
        "--role <role>",
        "with DATABASE_URL: `api` takes requests only, and `plandraft worker` processes run the drafts",
      )
        .choices(["all", "api"])
        .default("all"),
    )
    .action(async (options: ServeOptions) => {
      const env = {
        ...io.env,
        ...(options.host ? { PLANDRAFT_HOST: options.host } : {}),
        ...(options.port ? { PLANDRAFT_PORT: options.port } : {}),
        ...(options.allowNoToken ? { PLANDRAFT_ALLOW_NO_TOKEN: "1" } : {}),
      };
      const { startServer } = await import("../server/main.js");
      const server = await startServer(loadConfig(env), io, options.role);
      await server.closed; // until SIGTERM or SIGINT
      io.stderr.write("plandraft: server stopped\n");
    });

  program
    .command("worker")
    .description(
      "run drafts from the queue in the Postgres at DATABASE_URL, beside `serve --role api` nodes",
    )
    .action(async () => {
      const { startWorker } = await import("../server/worker-main.js");
      const worker = await startWorker(loadConfig(io.env), io);
      await worker.closed; // until SIGTERM or SIGINT, its drafts handed back
      io.stderr.write("plandraft: worker stopped\n");
    });

  program
    .command("gc")
    .description(
      "drop what finished drafts no longer need from the store here (see PLANDRAFT_KEEP_CHECKPOINTS, PLANDRAFT_KEEP_EVENTS_DAYS); plans are kept",
    )
    .option("--json", "print what was dropped as JSON")
    .action(async (options: { json?: boolean }) => {
      const { gcCommand } = await import("./gc-command.js");
      exitCode = await gcCommand(loadConfig(io.env), options, io);
    });

  program
    .command("check")
    .description("check a plan against its template; lists each finding with its line")
    .argument("<plan>", "the plan markdown file")
    .option(
      "-t, --template <file>",
      "plan template (default: the bundled implementation-plan template)",
    )
    .addOption(templateIdOption())
    .option(
      "-f, --feature <file>",
      "the feature doc the plan was drafted from: also check the plan against what it states",
    )
    .option(
      "--strict",
      "TODO and NEEDS CLARIFICATION markers are findings (a plan meant to be final)",
    )
    .option(
      "--repo <name=path>",
      "a checkout of a template repository, e.g. /gain=../gain: every path the plan cites in it must exist (repeatable)",
      collect,
      [],
    )
    .option(
      "--workspace <file>",
      `a workspace file mapping repositories, as for draft (default: ./${WORKSPACE_FILE} when there)`,
    )
    .option("--json", "print the findings as a JSON array of { line, code, message, sectionId }")
    .action(async (plan: string, options: CheckOptions) => {
      const { checkCommand } = await import("./check-command.js");
      exitCode = await checkCommand(loadConfig(io.env), plan, options, io);
    });

  program
    .command("eval")
    .description(
      "draft every feature doc in a folder and score each plan (check --feature, markers, coverage, cost); runs here",
    )
    .argument(
      "<dir>",
      "a folder of feature docs (*.md; README.md and other names in capitals are skipped)",
    )
    .option(
      "-t, --template <file>",
      "plan template (default: the bundled implementation-plan template)",
    )
    .addOption(templateIdOption())
    .addOption(
      new Option("-m, --model <name>", "openai:<model>, ollama:<model>, or none").env(
        "PLANDRAFT_MODEL",
      ),
    )
    .option("--judge <model>", "a second model that scores each plan 0-5 against prompts/judge.md")
    .option("--json", "print every row as JSON, with the findings and the judge's reasons")
    .action(async (dir: string, options: EvalOptions) => {
      const { evalCommand } = await import("./eval-command.js");
      exitCode = await evalCommand(loadConfig(io.env), dir, options, io);
    });

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

/** `--repo`, `--context`: repeatable. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * `--repo`, `--context` and `--workspace`: what a draft is grounded in. A resume or revision
 * reads them again, and grounds its sections only while the checkouts are at the draft's commits.
 */
function withWorkspaceOptions(command: Command, purpose: string): Command {
  return command
    .option(
      "--repo <name=path>",
      `${purpose} a checkout of a template repository, e.g. /gain=../gain (repeatable)`,
      collect,
      [],
    )
    .option(
      "--context <file|dir>",
      "a context doc, or a folder of them: architecture, ADRs, conventions (repeatable)",
      collect,
      [],
    )
    .option(
      "--workspace <file>",
      `a workspace file mapping repositories and context docs (default: ./${WORKSPACE_FILE} when there)`,
    );
}

/** `--template-id`: one of the offered templates, instead of a file. */
function templateIdOption(orServer = ""): Option {
  const by = ["PLANDRAFT_TEMPLATES", orServer].filter(Boolean).join(" ");
  return new Option(
    "--template-id <id>",
    `a template offered by ${by}, by id (\`plandraft templates\` lists them)`,
  ).conflicts("template");
}

function positiveInt(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError("expected a whole number of 1 or more");
  return number;
}

/** An http(s) URL, without the slashes at its end. */
interface ServeOptions {
  host?: string;
  port?: string;
  allowNoToken?: boolean;
  role: "all" | "api";
}

function serverUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError("expected the server's URL, e.g. http://127.0.0.1:8080");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new InvalidArgumentError("expected an http:// or https:// URL");
  return value.replace(/\/+$/, "");
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? EXIT.ok : ERROR_CODES.USAGE.exit;
  }
  if (isAppError(error)) {
    io.stderr.write(`plandraft: ${error.toLine()}\n`);
    return error.exitCode;
  }
  io.stderr.write(
    `plandraft: INTERNAL: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return ERROR_CODES.INTERNAL.exit;
}
