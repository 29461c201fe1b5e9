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
 * Imports an optional peer, turning "module not found" for that package into
 * {@link DependencyMissingError}. Other failures (another module missing, a broken install, a syntax
 * error) are rethrown unchanged, so a missing build output is never misreported as a missing peer.
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
    const message = error instanceof Error ? error.message : "";
    const notFound = code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
    if (notFound && (message.includes(`'${packageName}'`) || message.includes(`'${packageName}/`))) {
      throw new DependencyMissingError(packageName, feature, error);
    }
    throw error;
  }
}
