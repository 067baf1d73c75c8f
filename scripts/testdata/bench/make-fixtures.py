#!/usr/bin/env python3
"""Regenerate the new-format fixtures (issue 16) from smoke-roles/bench.txt.

  python3 scripts/testdata/bench/make-fixtures.py

smoke-roles/bench.txt gives each (module, variant, series, threads) its true
cost; every measured run draws around it (log-normal noise, 3% at one thread,
8% above, and now and then a 30% outlier, as a TCG guest shows). Two slow-path
pairs are added (pcpuref unregister, inetpeer removal with its grace period)
and one row is planted with overlap/offcpu warnings. Writes:

  new-format/bench.txt, icount.txt, env.txt   draw 1 (bench-report --validate)
  compare/a/results.json                       draw 1
  compare/b/results.json                       draw 2 of the same tree
  compare/slow/results.json                    draw 3, pcpuref percpu at one
                                               thread planted 2x slower (ns and instr)
"""
import math
import os
import random
import shutil
import statistics
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT = os.path.join(HERE, "..", "..", "bench-report")
RUNS = 15
ENV = """accel: tcg
tcg_threads: multi (one host thread per vCPU)
pinning: none (vCPU threads float over the host's CPUs)
clocksource: tsc
hz: 250
preempt: voluntary
preempt_rcu: no
mitigations: auto
smt: n/a (TCG)
host_cpus: 2
vcpus: 2
"""
SLOW = [  # module, variant, op, role, twin, threads -> ns
    ("pcpuref", "atomic-unreg", "unregister", "locked", "-", {1: 1850.0, 2: 2400.0}),
    ("pcpuref", "percpu-unreg", "unregister", "lockless", "atomic-unreg", {1: 31500.0, 2: 33800.0}),
    ("inetpeer", "rwlock-remove", "remove", "locked", "-", {1: 640.0, 2: 1500.0}),
    ("inetpeer", "rcu-remove", "remove+gp", "lockless", "rwlock-remove", {1: 28400.0, 2: 30100.0}),
]
PLANT = ("pcpuref", "percpu", "1")
WARNED = ("sockwq", "legacy", "2")


def parse(line):
    return dict(t.partition("=")[::2] for t in line.split())


def truth():
    rows = [parse(l) for l in open(os.path.join(HERE, "smoke-roles", "bench.txt")) if l.strip()]
    for mod, var, op, role, twin, ns in SLOW:
        for t, v in ns.items():
            same = var if role == "locked" else twin
            rows.append({"module": mod, "variant": var, "op": op, "threads": str(t),
                         "loops": "200", "ns_per_op_median": str(v), "role": role,
                         "twin": twin, "same_work_as": same, "path": "slow"})
    return rows


def line(r, rng, planted, icount=False):
    t = int(r["threads"])
    true = float(r["ns_per_op_median"])
    key = (r["module"], r["variant"], r["threads"])
    if icount:
        true = float(round(true * 2.6 + 40))
    if planted and key == PLANT:
        true *= 2
    if icount:
        runs = [true] * RUNS
    else:
        sigma = 0.03 if t == 1 else 0.08
        runs = [true * math.exp(rng.gauss(0, sigma)) * (1.3 if rng.random() < 0.05 else 1)
                for _ in range(RUNS)]
    srt = sorted(runs)
    per_thread = [srt[RUNS // 2] * (1 + 0.1 * i) for i in range(t)]
    overlap = 1.0 if t == 1 else round(rng.uniform(0.93, 0.995), 3)
    offcpu = 0
    if key[:3] == WARNED and not icount:
        overlap, offcpu = 0.861, 2
    warn = ",".join(w for w, on in (("offcpu", offcpu), ("overlap", overlap < 0.9)) if on) or "-"
    med = srt[RUNS // 2]
    q = statistics.quantiles(runs, n=4, method="inclusive")
    keep = {k: v for k, v in r.items() if k not in (
        "module", "variant", "op", "threads", "loops", "runs", "ns_per_op_median",
        "ns_per_op_min", "ns_per_op_max", "ops_per_sec", "per_thread_ns", "role", "twin",
        "same_work_as", "path")}
    words = [f"module={r['module']}", f"variant={r['variant']}", f"op={r['op']}",
             f"threads={t}", f"loops={r['loops']}", f"runs={RUNS}",
             f"ns_per_op_median={med:.3f}", f"ns_per_op_q1={q[0]:.3f}",
             f"ns_per_op_q3={q[2]:.3f}", f"ns_per_op_ci_lo={srt[3]:.3f}",
             f"ns_per_op_ci_hi={srt[11]:.3f}", f"ns_per_op_min={srt[0]:.3f}",
             f"ns_per_op_max={srt[-1]:.3f}", f"ops_per_sec={int(t * 1e9 / med)}",
             f"role={r['role']}", f"twin={r['twin']}", f"same_work_as={r['same_work_as']}",
             f"path={r.get('path', 'fast')}",
             "per_thread_ns=" + ",".join(f"{v:.3f}" for v in per_thread),
             "run_ns=" + ",".join(f"{v:.3f}" for v in runs),
             f"self_ns_per_op={1.8 + 0.3 * (t - 1):.3f}", f"overlap={overlap:.3f}",
             f"offcpu={offcpu}", f"warn={warn}", "seed=1605"]
    return " ".join(words + [f"{k}={v}" for k, v in keep.items()])


def draw(seed, planted=False):
    rng = random.Random(seed)
    rows = truth()
    bench = [line(r, rng, planted) for r in rows]
    icount = [line(r, rng, planted, icount=True) for r in rows if r["threads"] == "1"]
    return "\n".join(bench) + "\n", "\n".join(icount) + "\n"


def results_json(seed, dest, planted=False):
    bench, icount = draw(seed, planted)
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in (("bench.txt", bench), ("icount.txt", icount), ("env.txt", ENV)):
            with open(os.path.join(tmp, name), "w") as f:
                f.write(text)
        subprocess.run(["python3", REPORT, "--bench", os.path.join(tmp, "bench.txt"),
                        "--icount", os.path.join(tmp, "icount.txt"),
                        "--env", os.path.join(tmp, "env.txt"), "--out", os.path.join(tmp, "out"),
                        "--vcpus", "2", "--host-cores", "2", "--kernel", "6.1.0-fixture-amd64",
                        "--rev", f"fixture-draw-{seed}"],
                       check=True, stdout=subprocess.DEVNULL)
        os.makedirs(dest, exist_ok=True)
        shutil.copy(os.path.join(tmp, "out", "results.json"), dest)


def main():
    bench, icount = draw(1)
    for name, text in (("bench.txt", bench), ("icount.txt", icount), ("env.txt", ENV)):
        with open(os.path.join(HERE, "new-format", name), "w") as f:
            f.write(text)
    results_json(1, os.path.join(HERE, "compare", "a"))
    results_json(2, os.path.join(HERE, "compare", "b"))
    results_json(3, os.path.join(HERE, "compare", "slow"), planted=True)


if __name__ == "__main__":
    main()
