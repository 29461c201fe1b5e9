import { BallastError } from "./ballast-error.js";

/** An optional peer dependency a backend needs is not installed. Code `DEPENDENCY_MISSING`. */
export class DependencyMissingError extends BallastError {
  readonly packageName: string;

  constructor(packageName: string, feature: string, cause?: unknown) {
    super("DEPENDENCY_MISSING", `${feature} needs the package "${packageName}", which is not installed.`, {
      hint: `Run: npm install ${packageName}`,
      cause,
      details: { packageName },
    });
    this.name = "DependencyMissingError";
    this.packageName = packageName;
  }
}

/**
 * Imports an optional peer, turning "module not found" into {@link DependencyMissingError}.
 * Other failures (a broken install, a syntax error) are rethrown unchanged.
 */
export async function importPeer<T>(
  packageName: string,
  feature: string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: string } | null)?.code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new DependencyMissingError(packageName, feature, error);
    }
    throw error;
  }
}
