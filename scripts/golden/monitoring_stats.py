"""Golden values for @ballast/monitoring's statistics, computed by SciPy.

Usage: python scripts/golden/monitoring_stats.py --seed N --out FILE

Generates random cases (several sizes, samples with ties, small samples for the exact methods, large ones
for the asymptotic methods) and writes each case's inputs and SciPy's results as JSON. Python's json writes
floats with repr(), which round-trips exactly through JavaScript's JSON.parse.

Where SciPy has no function for a quantity (PSI, Hellinger, total variation, the pooled two-proportion
Z-test, Evidently's binning), the script computes it with NumPy from its published definition, so the
TypeScript implementation is still checked against an independent computation.
"""

import argparse
import json
import sys
import warnings

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance


def f(x):
    x = float(x)
    return None if np.isnan(x) else x


def sample(rng, n, kind):
    # Six decimals keep the fixture small; the rounded values are the inputs SciPy sees.
    return np.round(raw_sample(rng, n, kind), 6)


def raw_sample(rng, n, kind):
    if kind == "normal":
        return rng.normal(rng.uniform(-2, 2), rng.uniform(0.5, 3), n)
    if kind == "ties":
        return np.round(rng.normal(0, 2, n))
    if kind == "exp":
        return rng.exponential(rng.uniform(0.5, 2), n)
    raise ValueError(kind)


def ks_cases(rng):
    out = []
    plans = [
        (5, 5, "normal", "exact"), (7, 7, "normal", "auto"), (10, 15, "normal", "auto"), (30, 45, "ties", "auto"),
        (60, 60, "normal", "exact"), (120, 80, "exp", "exact"), (200, 300, "normal", "auto"), (400, 400, "ties", "auto"),
        (40, 60, "normal", "asymp"), (300, 500, "normal", "asymp"), (3000, 4000, "normal", "asymp"),
        (10001, 3000, "normal", "auto"), (9, 13, "ties", "exact"), (25, 25, "exp", "asymp"),
    ]
    for n1, n2, kind, method in plans:
        a = sample(rng, n1, kind)
        b = sample(rng, n2, kind) + (rng.uniform(0, 0.5) if rng.uniform() < 0.7 else 0)
        for alternative in ["two-sided", "less", "greater"]:
            if n1 * n2 > 5_000_000 and alternative != "two-sided":
                continue
            r = stats.ks_2samp(a, b, alternative=alternative, method=method)
            out.append({"fn": "ks2Sample", "a": a.tolist(), "b": b.tolist(),
                        "options": {"method": method, "alternative": alternative},
                        "expected": {"statistic": f(r.statistic), "pValue": f(r.pvalue)}})
    return out


def chi_cases(rng):
    out = []
    for k in [2, 3, 6, 12]:
        obs = rng.integers(0, 50, k).astype(float)
        obs[0] += 1
        out.append({"fn": "chiSquareGoodnessOfFit", "observed": obs.tolist(), "options": {},
                    "expected": {"statistic": f(stats.chisquare(obs).statistic), "pValue": f(stats.chisquare(obs).pvalue)}})
        w = rng.uniform(0.5, 2, k)
        exp = w / w.sum() * obs.sum()
        ddof = 1 if k > 3 else 0
        r = stats.chisquare(obs, exp, ddof=ddof)
        out.append({"fn": "chiSquareGoodnessOfFit", "observed": obs.tolist(), "expectedFrequencies": exp.tolist(),
                    "options": {"ddof": ddof}, "expected": {"statistic": f(r.statistic), "pValue": f(r.pvalue)}})
    for shape in [(2, 2), (2, 2), (2, 3), (3, 4), (5, 2)]:
        table = rng.integers(1, 40, shape)
        if shape == (2, 2) and rng.uniform() < 0.5:
            table[0, 0] = 0
            table[1, 1] += 30
        for correction in [True, False]:
            r = stats.chi2_contingency(table, correction=correction)
            out.append({"fn": "chiSquareContingency", "table": table.tolist(), "options": {"correction": correction},
                        "expected": {"statistic": f(r.statistic), "pValue": f(r.pvalue), "dof": int(r.dof)}})
    return out


def z_cases(rng):
    out = []
    for _ in range(8):
        n_a, n_b = int(rng.integers(20, 5000)), int(rng.integers(20, 5000))
        x_a, x_b = int(rng.integers(0, n_a + 1)), int(rng.integers(0, n_b + 1))
        p_a, p_b = x_a / n_a, x_b / n_b
        pooled = (x_a + x_b) / (n_a + n_b)
        z = (p_a - p_b) / np.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
        for alternative, p in [("two-sided", 2 * stats.norm.sf(abs(z))), ("less", stats.norm.cdf(z)),
                               ("greater", stats.norm.sf(z))]:
            out.append({"fn": "zTestTwoProportions",
                        "counts": {"successesA": x_a, "nA": n_a, "successesB": x_b, "nB": n_b, "alternative": alternative},
                        "expected": {"statistic": f(z), "pValue": f(min(1.0, p))}})
    return out


def mwu_cases(rng):
    out = []
    plans = [(5, 7, "normal", "auto"), (8, 3, "normal", "auto"), (6, 12, "exp", "auto"), (8, 8, "normal", "exact"),
             (12, 20, "normal", "auto"), (7, 9, "ties", "auto"), (60, 80, "ties", "auto"), (500, 700, "normal", "auto"),
             (20, 25, "normal", "asymptotic")]
    for n1, n2, kind, method in plans:
        a = sample(rng, n1, kind)
        b = sample(rng, n2, kind) + rng.uniform(0, 1)
        for alternative in ["two-sided", "less", "greater"]:
            for cont in [True, False]:
                r = stats.mannwhitneyu(a, b, use_continuity=cont, alternative=alternative, method=method)
                out.append({"fn": "mannWhitneyU", "a": a.tolist(), "b": b.tolist(),
                            "options": {"method": method, "alternative": alternative, "useContinuity": cont},
                            "expected": {"statistic": f(r.statistic), "pValue": f(r.pvalue)}})
    return out


def welch_cases(rng):
    out = []
    for n1, n2 in [(2, 3), (5, 9), (30, 12), (200, 350), (5000, 4000)]:
        a = sample(rng, n1, "normal")
        b = sample(rng, n2, "normal")
        for alternative in ["two-sided", "less", "greater"]:
            r = stats.ttest_ind(a, b, equal_var=False, alternative=alternative)
            out.append({"fn": "welchTTest", "a": a.tolist(), "b": b.tolist(), "options": {"alternative": alternative},
                        "expected": {"statistic": f(r.statistic), "pValue": f(r.pvalue), "dof": f(r.df)}})
    return out


def ad_cases(rng):
    out = []
    plans = [([10, 12], "normal", 0.3), ([30, 40, 25], "ties", 0.2), ([100, 150], "normal", 0.0),
             ([50, 60], "normal", 1.5), ([200, 180, 220, 150], "exp", 0.1), ([15, 15], "ties", 0.5), ([400, 500], "normal", 0.15)]
    for sizes, kind, shift in plans:
        samples = [sample(rng, n, kind) + i * shift for i, n in enumerate(sizes)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = stats.anderson_ksamp(samples, variant="midrank")
        out.append({"fn": "andersonDarlingKSample", "samples": [s.tolist() for s in samples],
                    "expected": {"statistic": f(r.statistic), "pValue": f(r.pvalue)}})
    return out


def cvm_cases(rng):
    out = []
    plans = [(5, 6, "normal", "auto"), (8, 8, "normal", "auto"), (10, 7, "ties", "exact"), (12, 9, "exp", "auto"),
             (25, 30, "normal", "auto"), (60, 90, "ties", "auto"), (400, 300, "normal", "auto"), (15, 18, "normal", "asymptotic")]
    for n1, n2, kind, method in plans:
        a = sample(rng, n1, kind)
        b = sample(rng, n2, kind) + rng.uniform(0, 0.8)
        r = stats.cramervonmises_2samp(a, b, method=method)
        out.append({"fn": "cramerVonMises2Sample", "a": a.tolist(), "b": b.tolist(), "options": {"method": method},
                    "expected": {"statistic": f(r.statistic), "pValue": f(r.pvalue)}})
    return out


def epps_cases(rng):
    out = []
    for n1, n2, kind in [(5, 6, "normal"), (12, 20, "exp"), (24, 30, "normal"), (80, 60, "ties"), (500, 700, "normal")]:
        a = sample(rng, n1, kind)
        b = sample(rng, n2, kind) * rng.uniform(0.8, 1.4) + rng.uniform(0, 0.5)
        r = stats.epps_singleton_2samp(a, b)
        out.append({"fn": "eppsSingleton", "a": a.tolist(), "b": b.tolist(),
                    "expected": {"statistic": f(r.statistic), "pValue": f(r.pvalue)}})
    return out


def distance_cases(rng):
    out = []
    for n1, n2, kind in [(1, 1, "normal"), (3, 5, "normal"), (50, 70, "ties"), (1000, 800, "exp"), (5000, 6000, "normal")]:
        a = sample(rng, n1, kind)
        b = sample(rng, n2, kind) * rng.uniform(0.8, 1.3) + rng.uniform(-0.5, 0.5)
        out.append({"fn": "wasserstein", "a": a.tolist(), "b": b.tolist(),
                    "expected": {"statistic": f(stats.wasserstein_distance(a, b))}})
        out.append({"fn": "energyDistance", "a": a.tolist(), "b": b.tolist(),
                    "expected": {"statistic": f(stats.energy_distance(a, b))}})
        norm = max(np.std(a), 0.001)
        out.append({"fn": "wassersteinNormed", "a": a.tolist(), "b": b.tolist(),
                    "expected": {"statistic": f(stats.wasserstein_distance(a, b) / norm)}})
    for k in [2, 5, 17]:
        p = rng.uniform(0, 1, k)
        q = rng.uniform(0, 1, k)
        if k > 2:
            p[1] = 0.0
        pn, qn = p / p.sum(), q / q.sum()
        out.append({"fn": "jensenShannon", "p": p.tolist(), "q": q.tolist(), "options": {},
                    "expected": {"statistic": f(distance.jensenshannon(p, q))}})
        out.append({"fn": "jensenShannon", "p": p.tolist(), "q": q.tolist(), "options": {"base": 2},
                    "expected": {"statistic": f(distance.jensenshannon(p, q, base=2))}})
        out.append({"fn": "klDivergence", "p": q.tolist(), "q": p.tolist() if k == 2 else (p + 0.01).tolist(),
                    "expected": {"statistic": f(stats.entropy(q, p if k == 2 else p + 0.01))}})
        pp, qq = pn + 1e-4, qn + 1e-4
        out.append({"fn": "psi", "p": pp.tolist(), "q": qq.tolist(),
                    "expected": {"statistic": f(np.sum((pp - qq) * np.log(pp / qq)))}})
        out.append({"fn": "hellinger", "p": p.tolist(), "q": q.tolist(),
                    "expected": {"statistic": f(np.sqrt(1 - np.clip(np.sum(np.sqrt(pn * qn)), 0, 1)))}})
        out.append({"fn": "totalVariation", "p": p.tolist(), "q": q.tolist(),
                    "expected": {"statistic": f(0.5 * np.sum(np.abs(pn - qn)))}})
    return out


def binned(reference, current, fill=True):
    """Evidently's binning convention (get_binned_data), restated with NumPy."""
    if np.unique(reference).size > 20:
        edges = np.histogram_bin_edges(np.concatenate([reference, current]), bins="sturges")
        r = np.histogram(reference, edges)[0] / reference.size
        c = np.histogram(current, edges)[0] / current.size
    else:
        edges = np.unique(np.concatenate([reference, current]))
        r = np.array([np.sum(reference == v) for v in edges]) / reference.size
        c = np.array([np.sum(current == v) for v in edges]) / current.size
    if fill:
        for arr in (r, c):
            smallest = arr[arr != 0].min()
            arr[arr == 0] = smallest / 10**6 if smallest <= 0.0001 else 0.0001
    return r, c, edges


def binning_cases(rng):
    out = []
    for n1, n2, kind, shift in [(500, 400, "normal", 0.4), (5000, 8000, "exp", 0.2), (300, 200, "ties", 3.0), (1000, 1000, "ties", 0.0)]:
        a = sample(rng, n1, kind)
        b = sample(rng, n2, kind) + shift
        if kind == "ties":
            a = np.clip(a, -4, 4)
            b = np.clip(b, -4, 6)
        for fill in [True, False]:
            r, c, edges = binned(a, b, fill)
            out.append({"fn": "numericBins", "a": a.tolist(), "b": b.tolist(), "options": {"fillEmpty": fill},
                        "expected": {"reference": r.tolist(), "current": c.tolist(), "edges": edges.tolist()}})
            if fill:
                out.append({"fn": "psiBinned", "a": a.tolist(), "b": b.tolist(),
                            "expected": {"statistic": f(np.sum((r - c) * np.log(r / c)))}})
            else:
                out.append({"fn": "jensenShannonBinned", "a": a.tolist(), "b": b.tolist(),
                            "expected": {"statistic": f(distance.jensenshannon(r, c))}})
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    cases = []
    for make in [ks_cases, chi_cases, z_cases, mwu_cases, welch_cases, ad_cases, cvm_cases, epps_cases, distance_cases, binning_cases]:
        cases.extend(make(rng))
    doc = {
        "command": f"python scripts/golden/monitoring_stats.py --seed {args.seed} --out {args.out}",
        "seed": args.seed,
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "cases": cases,
    }
    with open(args.out, "w") as fh:
        json.dump(doc, fh, allow_nan=False)


if __name__ == "__main__":
    main()
