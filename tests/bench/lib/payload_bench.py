#!/usr/bin/env python3
"""kha-install's payload (issue 4, Tests and bench): size of the executable,
time of --check, time of a full install of one node into an empty root, and
extraction time against tar -x of the same files re-tarred with zstd at the
payload's level. Each time is the median of repeated runs of the real
executable. --extract and tar -x alternate run by run (ABBA) into the same
fresh folder after a warm-up of each, so that load from other jobs and the
filesystem's state (ext4 without a journal skips recently deleted inodes,
which slows creation as a run goes on) weigh on both alike.
Usage: payload_bench.py KHA_INSTALL ANSWERS"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 15
EXTRACT_RUNS = 41
INSTALL_GOAL_MS = 100.0
EXTRACT_GOAL_RATIO = 1.0
ZSTD_LEVEL = "19"  # payload/CMakeLists.txt seals release builds at zstd -19


def timed(argv, **kwargs):
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)
    return (time.perf_counter() - start) * 1000


def cpu_ms():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


def paired_ms(argv_a, prepare_a, argv_b, prepare_b):
    """Median wall and CPU (user+sys, children included) ms of A and B, run
    alternately A B B A ... after one warm-up run of each."""
    wall = ([], [])
    cpu = ([], [])
    for i in range(-1, EXTRACT_RUNS):
        order = (0, 1) if i % 2 == 0 else (1, 0)
        for side in order:
            argv, prepare = (argv_a, prepare_a) if side == 0 else (argv_b, prepare_b)
            prepare()
            before = cpu_ms()
            elapsed = timed(argv)
            if i >= 0:
                wall[side].append(elapsed)
                cpu[side].append(cpu_ms() - before)
    return [statistics.median(v) for v in wall], [statistics.median(v) for v in cpu]


def median_ms(make_argv, prepare=None):
    values = []
    for i in range(RUNS):
        if prepare:
            prepare(i)
        values.append(timed(make_argv(i)))
    return statistics.median(values)


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)


def main():
    installer, answers = sys.argv[1], sys.argv[2]
    if not os.path.exists(installer):
        print(f"payload bench skipped: {installer} missing (make build)")
        return 0
    probe = subprocess.run([installer, "--check"], capture_output=True, text=True)
    if probe.returncode != 0:
        print(f"payload bench skipped: {installer} --check failed: {probe.stderr.strip()}")
        return 0
    work = tempfile.mkdtemp(prefix="kha-payload-bench-")
    try:
        size = os.path.getsize(installer)
        check = median_ms(lambda i: [installer, "--check"])

        # Full install of one node into an empty root (os-release only, which
        # --root reads to detect the release).
        def install_root(i):
            root = os.path.join(work, f"root-{i}")
            fresh_dir(os.path.join(root, "etc"))
            with open(os.path.join(root, "etc", "os-release"), "w") as f:
                f.write('ID=ubuntu\nVERSION_ID="16.04"\nPRETTY_NAME="Ubuntu 16.04"\n')

        install = median_ms(
            lambda i: [installer, "--quiet", "--no-start", "--root", os.path.join(work, f"root-{i}"),
                       "--node", "infra0", answers],
            install_root)
        installed = []
        for dirpath, _, files in os.walk(os.path.join(work, "root-0")):
            installed += [os.path.join(dirpath, f) for f in files if f == "kha-proxy"]

        # --extract against tar -x of the same tree: the tree comes from one
        # extraction; then both alternate into one destination folder, made
        # afresh the same way each time (ext4 puts a new folder's inodes in a
        # block group of its own choosing, and how many recently deleted
        # inodes a group holds changes how long each file creation takes).
        extract_dir = os.path.join(work, "extract")
        subprocess.run([installer, "--quiet", "--extract", extract_dir], check=True)
        archive = os.path.join(work, "payload.tar.zst")
        subprocess.run(["tar", "-C", extract_dir, "-I", f"zstd -{ZSTD_LEVEL} -T1", "-cf", archive, "."],
                       check=True)
        destination = os.path.join(work, "destination")
        (extract, untar), (extract_cpu, untar_cpu) = paired_ms(
            [installer, "--extract", destination], lambda: fresh_dir(destination),
            ["tar", "-C", destination, "--zstd", "-xf", archive], lambda: fresh_dir(destination))
        files = sum(len(f) for _, _, f in os.walk(extract_dir))
        tree = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(extract_dir) for f in fs)

        print(f"{'kha-install payload (' + str(RUNS) + ' runs, median)':<48} {'value':>10} {'goal':>9} {'ratio':>7}")
        print(f"{'size of kha-install (MiB)':<48} {size / 2**20:10.2f} {'-':>9} {'-':>7}")
        print(f"{'payload: files, unpacked MiB, tar.zst MiB':<48} "
              f"{f'{files}, {tree / 2**20:.1f}, {os.path.getsize(archive) / 2**20:.1f}':>10}")
        print(f"{'--check (ms)':<48} {check:10.1f} {'-':>9} {'-':>7}")
        print(f"{'full install of one node, empty root (ms)':<48} {install:10.1f} {INSTALL_GOAL_MS:9.1f} "
              f"{install / INSTALL_GOAL_MS:6.2f}x")
        print(f"{'--extract DIR (ms; ' + str(EXTRACT_RUNS) + ' runs alternating with tar)':<48} "
              f"{extract:10.1f} {'-':>9} {'-':>7}")
        print(f"{'tar --zstd -xf of the same tree, zstd -' + ZSTD_LEVEL + ' (ms)':<48} {untar:10.1f} "
              f"{'-':>9} {'-':>7}")
        print(f"{'CPU user+sys: --extract, tar+zstd (ms)':<48} "
              f"{f'{extract_cpu:.1f}, {untar_cpu:.1f}':>10} {'-':>9} {'-':>7}")
        print(f"{'--extract against tar -x':<48} {extract / untar:9.2f}x {EXTRACT_GOAL_RATIO:8.2f}x "
              f"{extract / untar / EXTRACT_GOAL_RATIO:6.2f}x")
        if not installed:
            print("note: the install wrote no kha-proxy under the root")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
