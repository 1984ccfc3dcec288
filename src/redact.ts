import type { Config } from "./config.js";

/** Takes secrets out of text that came from outside (an upstream's error body, a log line). */
export type Redact = (text: string) => string;

const REDACTED = "[redacted]";

/**
 * Shapes of credentials, for keys we were not told about (another provider's, a proxy's): some
 * upstreams repeat the key they were sent in their 401 answers.
 */
const SHAPES: [RegExp, string][] = [
  // Authorization headers, as sent or as echoed.
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${REDACTED}`],
  // Provider keys by their prefixes: OpenAI (sk-, sk-proj-), Anthropic, Google, GitHub, AWS, Slack.
  [/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{30,}/g, REDACTED],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, REDACTED],
  [/\bA(?:KIA|SIA)[0-9A-Z]{16}\b/g, REDACTED],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/g, REDACTED],
  // name=value and "name": "value" pairs whose name says secret.
  [
    /\b((?:api[_-]?key|apikey|access[_-]?token|auth[_-]?token|token|secret|password|passwd)["']?\s*[:=]\s*["']?)[^\s"'&,;]{4,}/gi,
    `$1${REDACTED}`,
  ],
  // Credentials inside URLs.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, `$1${REDACTED}@`],
];

/**
 * A redactor for the secrets this process was given (model keys, the API token, the database
 * password), and for anything shaped like a credential. Short values are left alone: a
 * 3-character "secret" would blank out ordinary words.
 */
export function createRedactor(secrets: (string | undefined)[]): Redact {
  const known = [...new Set(secrets.filter((s): s is string => !!s && s.length >= 6))]
    // Longest first, so a secret that contains another is taken out whole.
    .sort((a, b) => b.length - a.length)
    .flatMap((secret) => [secret, encodeURIComponent(secret)]);
  return (text) => {
    let clean = text;
    for (const secret of known) clean = clean.split(secret).join(REDACTED);
    for (const [shape, replacement] of SHAPES) clean = clean.replace(shape, replacement);
    return clean;
  };
}

/** The secrets a configuration holds. */
export function secretsOf(config: Config): (string | undefined)[] {
  return [config.openaiApiKey, config.server.apiToken, passwordOf(config.databaseUrl)];
}

function passwordOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
