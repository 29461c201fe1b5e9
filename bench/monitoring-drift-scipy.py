"""SciPy baseline for bench/monitoring-drift.bench.ts.

Usage: python bench/monitoring-drift-scipy.py FILE ROWS COLUMNS

FILE holds float64 little-endian values, column-major: the COLUMNS reference columns of ROWS values, then
the COLUMNS current columns. The data is loaded into memory once; then every line "run" on stdin computes
the default drift statistic of every column (Evidently's choice for a reference above 1000 rows: the
Wasserstein distance normed by the reference's population standard deviation, floored at 0.001, via
scipy.stats.wasserstein_distance) and answers one JSON line with the elapsed seconds and the values.
"quit" ends, printing the peak RSS.
"""

import json
import resource
import sys
import time

import numpy as np
from scipy import stats


def main():
    path, rows, columns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    data = np.fromfile(path, dtype="<f8").reshape(2 * columns, rows)
    reference, current = data[:columns], data[columns:]
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "quit":
            break
        start = time.perf_counter()
        cpu_start = time.process_time()
        values = []
        for c in range(columns):
            ref, cur = reference[c], current[c]
            values.append(float(stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)))
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        print(json.dumps({"seconds": elapsed, "cpuSeconds": cpu, "values": values}), flush=True)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peakRssMb": peak_kb / 1024}), flush=True)


if __name__ == "__main__":
    main()
