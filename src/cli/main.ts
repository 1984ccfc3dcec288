import { Command, CommanderError, Option } from "commander";
import { loadConfig } from "../config.js";
import { isAppError } from "../errors.js";
import { checkCommand } from "./check-command.js";
import { draftCommand } from "./draft-command.js";

/** Exit codes: 0 done, 1 the draft failed or the plan has findings, 2 bad usage or bad input. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

const defaultIo = (): CliIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});

export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command("plandraft")
    .description(
      "Draft an implementation plan from a feature document, following your plan template",
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError("(run plandraft --help for usage)");

  program
    .command("draft")
    .description("draft a plan from a feature doc (a file, or - for stdin)")
    .argument("<feature>", "the feature doc: a markdown file, or - to read stdin")
    .option("-o, --output <file>", "write the plan to this file instead of stdout")
    .option(
      "-t, --template <file>",
      "plan template (default: the bundled implementation-plan template)",
    )
    .addOption(
      new Option("-m, --model <name>", "openai:<model>, ollama:<model>, or none").env(
        "PLANDRAFT_MODEL",
      ),
    )
    .option("--json", "print the result (id, sections, usage, markdown) as JSON on stdout")
    .action(async (feature: string, options: DraftOptions) => {
      exitCode = await draftCommand(loadConfig(io.env), feature, options, io);
    });

  program
    .command("check")
    .description("check a plan against its template; lists each finding with its line")
    .argument("<plan>", "the plan markdown file")
    .option(
      "-t, --template <file>",
      "plan template (default: the bundled implementation-plan template)",
    )
    .action(async (plan: string, options: { template?: string }) => {
      exitCode = await checkCommand(plan, options, io);
    });

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

export interface DraftOptions {
  output?: string;
  template?: string;
  model?: string;
  json?: boolean;
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (isAppError(error)) {
    io.stderr.write(`plandraft: ${error.toLine()}\n`);
    return error.status >= 500 ? EXIT.failed : EXIT.usage;
  }
  io.stderr.write(
    `plandraft: INTERNAL: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return EXIT.failed;
}
