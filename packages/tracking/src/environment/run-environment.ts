import { arch, cpus, platform, release, totalmem } from "node:os";
import { captureGitState, type GitState } from "./git-state.js";
import { type GpuInfo, queryGpus } from "./gpu-info.js";
import { readLockfilePackages } from "./package-versions.js";

/** A random seed as registered by the user: numbers, bigints (stored as decimal strings) or strings. */
export type SeedValue = number | string;

/**
 * What a run was started with, stored in `tracking_runs.environment`. The shape is a contract: the
 * registry's lineage reads `environment->'git'->>'commit'`.
 */
export interface RunEnvironment {
  git: GitState | null;
  /** `process.version`, e.g. `"v20.20.2"`. */
  node: string;
  os: { platform: string; release: string; arch: string };
  cpu: { model: string; cores: number };
  /** Total physical memory. */
  memoryBytes: number;
  gpus: GpuInfo[];
  /** Direct dependencies of the nearest `package-lock.json`, name → installed version. */
  packages: Record<string, string>;
  /** Random seeds the program registered, name → value. */
  seeds: Record<string, SeedValue>;
  /** `process.argv`: the Node binary, the script and its arguments. */
  argv: string[];
}

/** Options of {@link captureEnvironment}. */
export interface CaptureEnvironmentOptions {
  /** Where git and the lockfile are looked up (default `process.cwd()`). */
  cwd?: string;
  seeds?: Record<string, SeedValue>;
}

// The machine's GPUs and the lockfile do not change while a process runs, and nvidia-smi can take a
// second to answer, so they are read once per process and directory; git state is read per run.
let gpuCache: Promise<GpuInfo[]> | undefined;
const packageCache = new Map<string, Promise<Record<string, string>>>();

/**
 * Captures the environment of a run about to start. Never fails: every part that cannot be read
 * (no git, no GPU, no lockfile) comes back as null or empty.
 */
export async function captureEnvironment(options: CaptureEnvironmentOptions = {}): Promise<RunEnvironment> {
  const cwd = options.cwd ?? process.cwd();
  gpuCache ??= queryGpus();
  let packages = packageCache.get(cwd);
  if (!packages) {
    packages = readLockfilePackages(cwd);
    packageCache.set(cwd, packages);
  }
  const [git, gpus, packageVersions] = await Promise.all([captureGitState(cwd), gpuCache, packages]);
  const cpuList = cpus();
  return {
    git,
    node: process.version,
    os: { platform: platform(), release: release(), arch: arch() },
    cpu: { model: cpuList[0]?.model.trim() ?? "unknown", cores: cpuList.length },
    memoryBytes: totalmem(),
    gpus,
    packages: packageVersions,
    seeds: { ...options.seeds },
    argv: [...process.argv],
  };
}
