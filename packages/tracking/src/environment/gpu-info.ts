import { runCommand } from "./run-command.js";

/** One GPU as `nvidia-smi` reports it. */
export interface GpuInfo {
  name: string;
  /** Total memory in bytes, or null when the driver does not report it. */
  memoryBytes: number | null;
  driverVersion: string;
}

/** One utilisation sample of one GPU. */
export interface GpuUtilization {
  index: number;
  utilizationPercent: number;
  memoryUsedBytes: number;
}

const MIB = 1024 * 1024;

function mib(text: string | undefined): number | null {
  const value = Number.parseFloat(text ?? "");
  return Number.isFinite(value) ? Math.round(value * MIB) : null;
}

/** Splits `nvidia-smi --format=csv,noheader,nounits` output into trimmed cells per line. */
export function parseNvidiaSmiCsv(output: string): string[][] {
  return output
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => line.split(",").map((cell) => cell.trim()));
}

/** The machine's NVIDIA GPUs; an empty list when `nvidia-smi` is absent or fails. */
export async function queryGpus(): Promise<GpuInfo[]> {
  const output = await runCommand("nvidia-smi", [
    "--query-gpu=name,memory.total,driver_version",
    "--format=csv,noheader,nounits",
  ]);
  if (output === null) return [];
  return parseNvidiaSmiCsv(output).map(([name, memory, driver]) => ({
    name: name ?? "",
    memoryBytes: mib(memory),
    driverVersion: driver ?? "",
  }));
}

/** Current utilisation of each GPU; an empty list when `nvidia-smi` is absent or fails. */
export async function queryGpuUtilization(): Promise<GpuUtilization[]> {
  const output = await runCommand(
    "nvidia-smi",
    ["--query-gpu=index,utilization.gpu,memory.used", "--format=csv,noheader,nounits"],
    { timeoutMs: 2_000 },
  );
  if (output === null) return [];
  const samples: GpuUtilization[] = [];
  for (const [index, utilization, memory] of parseNvidiaSmiCsv(output)) {
    const percent = Number.parseFloat(utilization ?? "");
    if (!Number.isFinite(percent)) continue;
    samples.push({ index: Number(index), utilizationPercent: percent, memoryUsedBytes: mib(memory) ?? 0 });
  }
  return samples;
}
