#!/usr/bin/env python3
"""kha-proxy against HAProxy and nginx (issue 3, Performance), loopback only.

Usage: proxy_bench.py KHA_PROXY [--duration S] [--threads 1,2] [--skip-failover] [--skip-rss]

Backend: one Debian nginx with three listeners answering a small fixed body.
For each thread count (1, then 2) and each mode (keep-alive, Connection:
close): wrk straight to one backend, then through kha-proxy, HAProxy and
nginx. Then kha-proxy, HAProxy and nginx holding 1,000 idle keep-alive
clients (VmRSS), then a failover run through kha-proxy while one of three
backends is killed and restarted. Every server runs under a process group
that is killed on exit; every load is bounded by wrk -d.
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
BODY = "kha-bench-0123456789abcdef\n"
CONNECTIONS = 64
IDLE_CLIENTS = 1000
children = []


# ---------------------------------------------------------------- processes
def start(argv, cpus, log_path, env=None):
    """Starts argv pinned to cpus in its own session; remembers it for cleanup."""
    log = open(log_path, "ab")
    process = subprocess.Popen(["taskset", "-c", cpus] + argv, stdout=log, stderr=log,
                               stdin=subprocess.DEVNULL, start_new_session=True, env=env)
    process.log_path = log_path
    children.append(process)
    return process


def stop(process):
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def stop_all():
    for process in children:
        stop(process)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, process, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process.poll() is not None:
            with open(process.log_path, errors="replace") as f:
                tail = f.read()[-2000:]
            raise RuntimeError(f"{process.args} exited with {process.returncode} before listening "
                               f"on {port}:\n{tail}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"nothing listening on {port}")


def http_get(port, path="/"):
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data.decode(errors="replace")


def group_pids(leader):
    """The process and its descendants (nginx master + workers)."""
    pids, todo = [], [leader]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return pids


def server_pids(process):
    """Skips the taskset wrapper: taskset execs, so the pid is the server's."""
    return group_pids(process.pid)


def cpu_ticks(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total


def status_kib(pids, key):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith(key + ":"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


# ------------------------------------------------------------------ servers
def nginx_conf(work, name, workers, body, extra_http=""):
    prefix = os.path.join(work, name)
    os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
    return prefix, f"""
worker_processes {workers};
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
worker_rlimit_nofile 20000;
events {{ worker_connections 8192; multi_accept on; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/tmp-body;
  proxy_temp_path {prefix}/tmp-proxy;
  fastcgi_temp_path {prefix}/tmp-fcgi;
  uwsgi_temp_path {prefix}/tmp-uwsgi;
  scgi_temp_path {prefix}/tmp-scgi;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
{extra_http}
{body}
}}
"""


def start_nginx(work, name, workers, cpus, body, extra_http="", master=True):
    prefix, conf = nginx_conf(work, name, workers, body, extra_http)
    if not master:
        conf = "master_process off;\n" + conf
    path = os.path.join(prefix, "nginx.conf")
    with open(path, "w") as f:
        f.write(conf)
    return start(["nginx", "-p", prefix, "-e", f"{prefix}/logs/error.log", "-c", path], cpus,
                 os.path.join(prefix, "logs", "stdout.log"))


def backend_block(port, log=None):
    access = f"access_log {log} stamped;" if log else ""
    return f"""  server {{
    listen 127.0.0.1:{port} reuseport backlog=4096;
    {access}
    location / {{ default_type text/plain; return 200 "{BODY.strip()}\\n"; }}
  }}
"""


def status_block(port):
    return f"""  server {{
    listen 127.0.0.1:{port};
    location / {{ stub_status; }}
  }}
"""


def backend_accepts(status_port):
    text = http_get(status_port)
    match = re.search(r"server accepts handled requests\s+(\d+)\s+(\d+)\s+(\d+)", text)
    return int(match.group(1))


def kha_config(port, backends, alive=1):
    servers = "".join(f"    BackEnd\n      Address 127.0.0.1\n      Port {b}\n    End\n"
                      for b in backends)
    return f"""LogLevel 0
Alive {alive}
TimeOut 15
Client 120
ListenHTTP
  Address 127.0.0.1
  Port {port}
  Service
{servers}  End
End
"""


def start_kha(kha, work, port, backends, cpus, alive=1, wrapper=()):
    path = os.path.join(work, f"kha-{port}.cfg")
    with open(path, "w") as f:
        f.write(kha_config(port, backends, alive))
    check = subprocess.run([kha, "-c", "-f", path], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError("kha-proxy -c: " + check.stdout + check.stderr)
    return start(list(wrapper) + [kha, "-e", "-f", path], cpus, os.path.join(work, f"kha-{port}.log"))


def start_haproxy(work, port, backends, threads, cpus):
    servers = "".join(f"  server b{i} 127.0.0.1:{b} check inter 1s\n" for i, b in enumerate(backends))
    conf = f"""global
  nbthread {threads}
  maxconn 8000
defaults
  mode http
  timeout connect 5s
  timeout client 120s
  timeout server 120s
  timeout tunnel 1h
  timeout http-keep-alive 120s
  option http-no-delay
  http-reuse always
listen px
  bind 127.0.0.1:{port}
  balance roundrobin
  option httpchk GET /
{servers}"""
    path = os.path.join(work, f"haproxy-{port}.cfg")
    with open(path, "w") as f:
        f.write(conf)
    return start(["haproxy", "-db", "-f", path], cpus, os.path.join(work, f"haproxy-{port}.log"))


def start_nginx_proxy(work, port, backends, workers, cpus):
    servers = "".join(f"    server 127.0.0.1:{b};\n" for b in backends)
    body = f"""  upstream backends {{
{servers}    keepalive 64;
  }}
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    location / {{
      proxy_pass http://backends;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }}
  }}
"""
    return start_nginx(work, f"nginx-proxy-{port}", workers, cpus, body)


# --------------------------------------------------------------------- load
def parse_duration_ms(text):
    value = float(re.match(r"[\d.]+", text).group(0))
    unit = text[len(re.match(r"[\d.]+", text).group(0)):]
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(port, duration, close, cpus, path="/", connections=CONNECTIONS):
    argv = ["taskset", "-c", cpus, "wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency",
            "--timeout", "3s"]
    if close:
        argv += ["-H", "Connection: close"]
    argv.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 30).stdout
    result = {"raw": out, "rps": 0.0, "requests": 0, "non2xx": 0, "errors": 0, "p50": None, "p99": None}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        result["rps"] = float(m.group(1))
    if m := re.search(r"(\d+) requests in", out):
        result["requests"] = int(m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        result["non2xx"] = int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        result["errors"] = sum(int(g) for g in m.groups())
    for pct, key in (("50", "p50"), ("99", "p99")):
        if m := re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", out, re.M):
            result[key] = parse_duration_ms(m.group(1))
    return result


def measure(name, port, proxy, duration, close, wrk_cpus, status_port):
    pids = server_pids(proxy) if proxy else []
    accepts_before = backend_accepts(status_port)
    ticks_before = cpu_ticks(pids)
    result = wrk(port, duration, close, wrk_cpus)
    ticks = cpu_ticks(pids) - ticks_before
    accepts = backend_accepts(status_port) - accepts_before - 1  # our own status request
    requests = max(result["requests"], 1)
    result.update(name=name, mode="close" if close else "keep-alive",
                  cpu_us=(ticks / CLK_TCK * 1e6 / requests) if proxy else None,
                  conns_per_req=accepts / requests,
                  hwm_mib=status_kib(pids, "VmHWM") / 1024 if proxy else None)
    return result


def fmt(value, spec, missing="-"):
    return missing if value is None else format(value, spec)


def print_rows(rows):
    print(f"{'thr':>3} {'mode':<10} {'server':<10} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'CPU us/req':>10} {'be conn/req':>11} {'HWM MiB':>8} {'non2xx':>6} {'errors':>6}")
    for r in rows:
        print(f"{r['threads']:>3} {r['mode']:<10} {r['name']:<10} {r['rps']:9.0f} "
              f"{fmt(r['p50'], '7.2f'):>7} {fmt(r['p99'], '7.2f'):>7} {fmt(r['cpu_us'], '10.1f'):>10} "
              f"{r['conns_per_req']:11.4f} {fmt(r['hwm_mib'], '8.1f'):>8} {r['non2xx']:6d} {r['errors']:6d}",
              flush=True)


def print_ratios(rows):
    print("\nkha-proxy against the best peer (req/s by throughput; p99 and CPU against that peer; "
          "goal: req/s >= 1.00x, p99 <= 1.00x, CPU < HAProxy's)")
    for threads in sorted({r["threads"] for r in rows}):
        for mode in ("keep-alive", "close"):
            group = [r for r in rows if r["threads"] == threads and r["mode"] == mode]
            kha = next((r for r in group if r["name"] == "kha-proxy"), None)
            peers = [r for r in group if r["name"] in ("haproxy", "nginx")]
            if not kha or not peers:
                continue
            best = max(peers, key=lambda r: r["rps"])
            haproxy = next((r for r in peers if r["name"] == "haproxy"), None)
            rps = kha["rps"] / best["rps"] if best["rps"] else 0.0
            p99 = (kha["p99"] / best["p99"]) if kha["p99"] and best["p99"] else None
            cpu = (kha["cpu_us"] / haproxy["cpu_us"]) if haproxy and haproxy["cpu_us"] else None
            verdict = "ok" if rps >= 1.0 and (p99 or 9) <= 1.0 and (cpu or 9) < 1.0 else "BELOW GOAL"
            print(f"  {threads} thread(s) {mode:<10} best peer {best['name']:<8} req/s {rps:5.2f}x  "
                  f"p99 {fmt(p99, '5.2f')}x  CPU/req vs haproxy {fmt(cpu, '5.2f')}x  "
                  f"backend conn/req {kha['conns_per_req']:.4f}  {verdict}")


# ---------------------------------------------------------------- idle RSS
def hold_idle_clients(port, count):
    sockets = []
    request = b"GET / HTTP/1.1\r\nHost: b\r\n\r\n"
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(request)
        sockets.append(s)
    for s in sockets:  # one whole response each, the connection kept open
        data = b""
        while b"\r\n\r\n" not in data:
            data += s.recv(4096)
        head, _, rest = data.partition(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
        while len(rest) < length:
            rest += s.recv(4096)
    return sockets


def idle_rss(name, process, port):
    pids = server_pids(process)
    before = status_kib(pids, "VmRSS")
    sockets = hold_idle_clients(port, IDLE_CLIENTS)
    time.sleep(0.5)
    pids = server_pids(process)
    after = status_kib(pids, "VmRSS")
    for s in sockets:
        s.close()
    return before / 1024, after / 1024


# ---------------------------------------------------------------- failover
def failover(kha, work, duration=10, kill_at=3.0, restart_at=6.0, alive=1):
    ports = [free_port() for _ in range(3)]
    logs = [os.path.join(work, f"failover-{i}.log") for i in range(3)]
    stamped = "log_format stamped '$msec $connection $connection_requests \"$request\" \"$http_user_agent\"';"

    def backend(i):
        return start_nginx(work, f"failover-{i}", 1, "1", backend_block(ports[i], logs[i]), stamped,
                           master=False)

    backends = [backend(i) for i in range(3)]
    for i in range(3):
        wait_port(ports[i], backends[i])
    port = free_port()
    trace = os.path.join(work, "failover.strace")
    wrapper = ()
    if shutil.which("strace"):
        wrapper = ("strace", "-f", "--seccomp-bpf", "-e", "trace=connect", "-ttt", "-o", trace)
    proxy = start_kha(kha, work, port, ports, "0", alive, wrapper)
    wait_port(port, proxy)
    time.sleep(1.2)
    load = subprocess.Popen(["taskset", "-c", "1", "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{duration}s",
                             "--timeout", "3s", f"http://127.0.0.1:{port}/load"],
                            stdout=subprocess.PIPE, text=True)
    t0 = time.time()
    time.sleep(kill_at)
    killed = time.time()
    stop(backends[1])
    time.sleep(max(0.0, restart_at - (time.time() - t0)))
    restarted = time.time()
    backends[1] = backend(1)
    out = load.communicate(timeout=duration + 30)[0]
    stop(proxy)
    for b in backends:
        stop(b)

    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)) else 0
    errors = 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors = sum(int(g) for g in m.groups())
    requests = int(m.group(1)) if (m := re.search(r"(\d+) requests in", out)) else 0

    stamps = []
    with open(logs[1]) as f:
        for line in f:
            if "/load" in line:
                stamps.append(float(line.split()[0]))
    after_restart = [t for t in stamps if t >= restarted]
    first_back = (after_restart[0] - restarted) if after_restart else None
    per_backend = []
    for path in logs:
        with open(path) as f:
            per_backend.append(sum(1 for line in f if "/load" in line))

    attempts_1s = attempts_later = None
    offsets = []
    if wrapper and os.path.exists(trace):
        attempts_1s = attempts_later = 0
        needle = f"sin_port=htons({ports[1]})"
        with open(trace) as f:
            for line in f:
                if needle not in line:
                    continue
                stamp = float(line.split()[1])
                if killed <= stamp < killed + 1.0:
                    attempts_1s += 1
                    offsets.append((stamp - killed) * 1000)
                elif killed + 1.0 <= stamp < restarted:
                    attempts_later += 1

    print(f"failover through kha-proxy (Alive {alive}, 1 thread, wrk -c{CONNECTIONS} {duration}s, "
          f"backend 2 killed at {kill_at:.0f}s, restarted at {restart_at:.0f}s)")
    print(f"  requests {requests}, per backend {per_backend}")
    print(f"  non-2xx {non2xx} (goal 0), socket errors {errors} (goal 0): "
          f"{'ok' if non2xx == 0 and errors == 0 else 'BELOW GOAL'}")
    if attempts_1s is not None:
        early = [o for o in offsets if o < 100]
        late = ", ".join(f"+{o:.0f}ms" for o in offsets if o >= 100)
        print(f"  connects to the dead backend (strace): {attempts_1s} within 1 s of the kill: "
              f"{len(early)} in its first 100 ms (up to +{max(early, default=0):.0f}ms), "
              f"later ones at [{late}]; {attempts_later} from 1 s until the restart (Alive probes)")
    print(f"  dead backend served requests again {fmt(first_back, '.2f', 'never')} s after the restart "
          f"(goal <= Alive + 1 = {alive + 1} s): "
          f"{'ok' if first_back is not None and first_back <= alive + 1 else 'BELOW GOAL'}")


# --------------------------------------------------------------------- main
def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kha")
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--skip-failover", action="store_true")
    parser.add_argument("--skip-rss", action="store_true")
    args = parser.parse_args()
    for tool in ("nginx", "haproxy", "wrk", "taskset"):
        if not shutil.which(tool):
            print(f"proxy bench skipped: {tool} missing (tools/install-deps.sh bench)")
            return 0
    if len(os.sched_getaffinity(0)) < 2:
        print("proxy bench skipped: needs 2 CPUs to keep wrk and the proxy apart")
        return 0

    work = tempfile.mkdtemp(prefix="kha-proxy-bench-")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        print(f"kha-proxy vs peers, loopback, wrk -t1 -c{CONNECTIONS} -d{args.duration}s; "
              f"1 thread: proxy on CPU 0, wrk and backend on CPU 1; 2 threads: all on CPUs 0-1")
        print("pound: not packaged in Debian 12")
        rows = []
        for threads in [int(t) for t in args.threads.split(",") if t]:
            proxy_cpus = "0" if threads == 1 else "0,1"
            other_cpus = "1" if threads == 1 else "0,1"
            backends = [free_port() for _ in range(3)]
            status = free_port()
            backend = start_nginx(work, f"backend-{threads}", threads, other_cpus,
                                  "".join(backend_block(p) for p in backends) + status_block(status))
            for p in backends + [status]:
                wait_port(p, backend)
            for name in ("direct", "kha-proxy", "haproxy", "nginx"):
                port = free_port()
                if name == "direct":
                    proxy, port = None, backends[0]
                elif name == "kha-proxy":
                    proxy = start_kha(args.kha, work, port, backends, proxy_cpus)
                elif name == "haproxy":
                    proxy = start_haproxy(work, port, backends, threads, proxy_cpus)
                else:
                    proxy = start_nginx_proxy(work, port, backends, threads, proxy_cpus)
                if proxy:
                    wait_port(port, proxy)
                    time.sleep(0.3)
                for close in (False, True):
                    row = measure(name, port, proxy, args.duration, close, other_cpus, status)
                    row["threads"] = threads
                    rows.append(row)
                if proxy:
                    stop(proxy)
            stop(backend)
        print_rows(rows)
        print_ratios(rows)

        if not args.skip_rss:
            print(f"\nidle clients: VmRSS (all processes) before and while holding {IDLE_CLIENTS} "
                  f"keep-alive clients, 1 thread (goal for kha-proxy <= 16 MiB)")
            backends = [free_port() for _ in range(3)]
            backend = start_nginx(work, "backend-rss", 1, "1", "".join(backend_block(p) for p in backends))
            for p in backends:
                wait_port(p, backend)
            for name in ("kha-proxy", "haproxy", "nginx"):
                port = free_port()
                if name == "kha-proxy":
                    proxy = start_kha(args.kha, work, port, backends, "0")
                elif name == "haproxy":
                    proxy = start_haproxy(work, port, backends, 1, "0")
                else:
                    proxy = start_nginx_proxy(work, port, backends, 1, "0")
                wait_port(port, proxy)
                try:
                    before, after = idle_rss(name, proxy, port)
                    verdict = ""
                    if name == "kha-proxy":
                        verdict = f"  {after / 16:.2f}x goal {'ok' if after <= 16 else 'BELOW GOAL'}"
                    print(f"  {name:<10} {before:6.1f} MiB -> {after:6.1f} MiB{verdict}", flush=True)
                except OSError as error:
                    print(f"  {name:<10} failed while opening {IDLE_CLIENTS} clients: {error}")
                stop(proxy)
            stop(backend)

        if not args.skip_failover:
            print()
            failover(args.kha, work)
    finally:
        stop_all()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
