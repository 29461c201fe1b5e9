import { execFile } from "node:child_process";

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  cwd?: string;
  /** Kills the command after this many ms (default 5,000), so a hung tool cannot stall `startRun`. */
  timeoutMs?: number;
}

/**
 * Runs a command without a shell and returns its standard output, or `null` when the program is
 * missing, exits non-zero or times out. Environment capture is best effort: a machine without git or
 * a GPU is normal, not an error.
 */
export function runCommand(
  file: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 5_000,
        maxBuffer: 256 * 1024 * 1024,
        windowsHide: true,
      },
      (error, stdout) => resolve(error ? null : stdout),
    );
  });
}
