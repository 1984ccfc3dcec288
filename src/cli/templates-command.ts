import type { Config } from "../config.js";
import { ServerConfig } from "../server/schemas.js";
import { loadOfferedTemplates } from "../template/offered.js";
import { EXIT } from "../error-codes.js";
import type { CliIo } from "./cli-io.js";
import { parseAnswer, type ApiClient } from "./remote/client.js";
import { table } from "./store-commands.js";

/** A template `draft --template-id` can name. */
interface TemplateChoice {
  id: string;
  title: string;
}

/** `plandraft templates`: the bundled template and PLANDRAFT_TEMPLATES' files, each checked. */
export async function templatesCommand(
  config: Config,
  options: { json?: boolean },
  io: CliIo,
): Promise<number> {
  const offered = await loadOfferedTemplates(config.templatesDir);
  return writeTemplates(io, offered.list, options);
}

/** `plandraft templates` against a server: the ones it offers (GET /v1/config). */
export async function remoteTemplates(
  client: ApiClient,
  options: { json?: boolean },
  io: CliIo,
): Promise<number> {
  // `workspace` is newer than `templates`: a server from before it still lists its templates.
  const answer = ServerConfig.partial({ workspace: true });
  const offered = parseAnswer(answer, await client.json("GET", "/v1/config"));
  return writeTemplates(io, offered.templates, options);
}

function writeTemplates(
  io: CliIo,
  templates: TemplateChoice[],
  options: { json?: boolean },
): number {
  const choices = templates.map(({ id, title }) => ({ id, title }));
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
