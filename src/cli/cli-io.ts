// What every command gets from the process: a leaf of its own, so that the commands need not
// import main.ts, which imports them all. What they hand back, EXIT, is in src/error-codes.ts.

export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

export const defaultIo = (): CliIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});

/** Whether a person is there to ask: a terminal on both sides of the prompt. */
export function canAsk(io: CliIo): boolean {
  return Boolean((io.stdin as NodeJS.ReadStream).isTTY && io.stderr.isTTY);
}
