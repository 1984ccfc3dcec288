import type { Drafts } from "../drafting/drafts.js";
import { EXIT } from "../error-codes.js";
import type { CliIo } from "./cli-io.js";
import { table } from "./store-commands.js";

/**
 * `plandraft templates`: the templates a draft can name by id: the bundled one and
 * PLANDRAFT_TEMPLATES' files, each checked, or the ones the server offers.
 */
export async function templatesCommand(
  drafts: Drafts,
  options: { json?: boolean },
  io: CliIo,
): Promise<number> {
  const choices = await drafts.templates();
  io.stdout.write(
    options.json
      ? `${JSON.stringify(choices, null, 2)}\n`
      : table(
          ["ID", "TITLE"],
          choices.map((t) => [t.id, t.title]),
        ),
  );
  return EXIT.ok;
}
