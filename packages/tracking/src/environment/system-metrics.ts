import { cpus, freemem, totalmem } from "node:os";
import { queryGpuUtilization } from "./gpu-info.js";

/** Prefix of the metric names the sampler logs; runs accept them besides the declared names. */
export const SYSTEM_METRIC_PREFIX = "system/";

/** Options of `startRun({ systemMetrics })`. */
export interface SystemMetricsOptions {
  /** Sampling interval: ms or a duration string such as `"10s"` (default `"10s"`). */
  interval?: number | string;
  /** Also sample GPU utilisation and memory through `nvidia-smi` (default true; skipped when absent). */
  gpu?: boolean;
}

/** One sample: metric name → value. */
export type SystemSample = Record<string, number>;

interface CpuTimes {
  idle: number;
  total: number;
}

function cpuTimes(): CpuTimes {
  let idle = 0;
  let total = 0;
  for (const cpu of cpus()) {
    idle += cpu.times.idle;
    total += cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.idle + cpu.times.irq;
  }
  return { idle, total };
}

/**
 * Samples machine-wide CPU and memory use (and GPUs when `nvidia-smi` exists) on an unref'd timer
 * and hands each sample to `record`: `system/cpu_percent` (busy share of all cores since the previous
 * sample), `system/memory_bytes` (used physical memory), and per GPU `system/gpu/<i>/utilization_percent`
 * and `system/gpu/<i>/memory_used_bytes`.
 */
export class SystemMetricsSampler {
  readonly #timer: NodeJS.Timeout;
  #previous = cpuTimes();
  #gpu: boolean;
  #stopped = false;

  constructor(intervalMs: number, record: (sample: SystemSample) => void, options: { gpu?: boolean } = {}) {
    this.#gpu = options.gpu ?? true;
    this.#timer = setInterval(() => {
      void this.sample().then((sample) => {
        if (!this.#stopped) record(sample);
      });
    }, intervalMs);
    // Sampling must never keep a finished training script alive.
    this.#timer.unref();
  }

  /** Takes one sample now (also used by the timer). */
  async sample(): Promise<SystemSample> {
    const now = cpuTimes();
    const total = now.total - this.#previous.total;
    const idle = now.idle - this.#previous.idle;
    this.#previous = now;
    const sample: SystemSample = {
      [`${SYSTEM_METRIC_PREFIX}cpu_percent`]: total > 0 ? (100 * (total - idle)) / total : 0,
      [`${SYSTEM_METRIC_PREFIX}memory_bytes`]: totalmem() - freemem(),
    };
    if (this.#gpu) {
      const gpus = await queryGpuUtilization();
      // No nvidia-smi now means none later: stop asking instead of spawning a failing process per tick.
      if (gpus.length === 0) this.#gpu = false;
      for (const gpu of gpus) {
        sample[`${SYSTEM_METRIC_PREFIX}gpu/${gpu.index}/utilization_percent`] = gpu.utilizationPercent;
        sample[`${SYSTEM_METRIC_PREFIX}gpu/${gpu.index}/memory_used_bytes`] = gpu.memoryUsedBytes;
      }
    }
    return sample;
  }

  /** Stops the timer; a sample already in progress is dropped. */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }
}
