#!/usr/bin/env python3
"""kha-install timings: a full render+apply of one node into an empty root,
and a no-op rerun, each as the median of repeated runs of the real executable.
Goals (issue 2): <= 50 ms and <= 20 ms."""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 30


def timed(argv):
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000


def main():
    installer, answers = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="kha-bench-")
    try:
        full, noop = [], []
        for i in range(RUNS):
            root = os.path.join(work, str(i))
            os.makedirs(os.path.join(root, "etc"))
            with open(os.path.join(root, "etc", "os-release"), "w") as f:
                f.write('ID=ubuntu\nVERSION_ID="16.04"\nPRETTY_NAME="Ubuntu 16.04"\n')
            argv = [installer, "--quiet", "--root", root, "--node", "infra0", answers]
            full.append(timed(argv))
            noop.append(timed(argv))
        rows = [("full install of one node", statistics.median(full), 50.0),
                ("no-op rerun", statistics.median(noop), 20.0)]
        print(f"{'kha-install (' + str(RUNS) + ' runs, median)':<40} {'ms':>8} {'goal':>8} {'ratio':>7}")
        for name, value, goal in rows:
            print(f"{name:<40} {value:8.1f} {goal:8.1f} {value / goal:6.2f}x")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
