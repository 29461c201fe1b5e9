import { createHash } from "node:crypto";
import { runCommand } from "./run-command.js";

/** The code version a run was started from. */
export interface GitState {
  /** Full commit sha of `HEAD`, or null in a repository without commits. */
  commit: string | null;
  /** Current branch, or null on a detached `HEAD`. */
  branch: string | null;
  /** True when tracked or untracked files differ from `HEAD`. */
  dirty: boolean;
  /**
   * sha256 of `git diff HEAD` (hex), so two runs from the same commit with the same uncommitted
   * changes can be recognised as identical code; null when there is no diff to hash.
   */
  diffSha256: string | null;
}

/**
 * Reads the git state of the working tree at `cwd`, or returns `null` when git is not installed or
 * `cwd` is not inside a repository.
 */
export async function captureGitState(cwd: string = process.cwd()): Promise<GitState | null> {
  const inside = await runCommand("git", ["rev-parse", "--is-inside-work-tree"], { cwd });
  if (inside?.trim() !== "true") return null;
  const [commit, branch, status, diff] = await Promise.all([
    runCommand("git", ["rev-parse", "--verify", "--quiet", "HEAD"], { cwd }),
    runCommand("git", ["symbolic-ref", "--quiet", "--short", "HEAD"], { cwd }),
    runCommand("git", ["status", "--porcelain"], { cwd }),
    runCommand("git", ["diff", "HEAD", "--no-color", "--no-ext-diff"], { cwd }),
  ]);
  return {
    commit: commit?.trim() || null,
    branch: branch?.trim() || null,
    dirty: (status ?? "").trim().length > 0,
    diffSha256: diff ? createHash("sha256").update(diff).digest("hex") : null,
  };
}
