import { hostname } from "node:os";

/** The process that owns a running run, as stored in `owner_host` and `owner_pid`. */
export interface ProcessIdentity {
  host: string;
  pid: number;
}

/** This process. */
export function currentProcess(): ProcessIdentity {
  return { host: hostname(), pid: process.pid };
}

/**
 * True when a process with this pid exists on this machine. Signal 0 checks without delivering
 * anything; EPERM means it exists but belongs to another user.
 */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}
