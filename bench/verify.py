"""Public verification under load: the verification endpoint against a bare Django view.

    .venv/bin/python bench/verify.py            # PostgreSQL database ocop_bench_verify on 127.0.0.1:5432
    .venv/bin/python bench/verify.py --database sqlite   # the embedded SQLite database (WAL)

Quality targets §2.1. One granian server (WSGI, production settings, PostgreSQL, scan logging and
rate limiting on) serves both the candidate, `GET /api/v1/public/verify/{code}` cycling through
≥ 10^5 seeded genuine codes, and the baseline, a bare "hello" JSON view added by the bench's own
URLconf (bench/verify_urls.py) behind the same middleware.

Load generators: wrk (Debian's package, `WrkLoad`, a Lua script cycling through the codes) for
throughput, or, without wrk, an asyncio HTTP/1.1 client with keep-alive connections (this file,
`Load`), which also measures latency; both run beside the server on the same machine.
- Throughput, closed loop: CONNECTIONS connections each sending its next request when the previous
  answer arrives; warm-up of each, then B C B C B C rounds of ROUND seconds. The ratio is the
  ratio of the medians; its spread is (max − min) / median of the per-pair ratios; a spread over
  15 % marks the run noisy (repeat it; a noisy run never passes).
- Latency, open loop: requests scheduled at a fixed rate of 70 % of the candidate's measured
  saturation, each timed from its *scheduled* send (so queueing shows; no coordinated omission).
Targets: throughput ≥ 0.5× the baseline; p99 ≤ 30 ms. Writes bench/results/verify.json and .md,
prints one line per figure, exits non-zero on a miss. The client shares the 2 cores with the
server, so absolute figures are low; only the ratio and the latency gate.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import platform
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

import summary  # noqa: E402 (bench/summary.py)

RESULTS = BENCH / "results"
PYTHON = sys.executable

TARGET_P99_MS = 30.0
NOISY_SPREAD = 0.15
BASELINE_PATH = "/bench/hello"
# The candidate routes (quality targets §2.1 covers both): the JSON API and the consumer's page.
# `forged`: the API with every token's tag altered (§2.3: answered before any database read).
# `logging` (§2.2): the API on a server that logs scans against the same API on a second server
# whose scan log never flushes (BENCH_SCAN_LOG=off: scans stay in the buffer), in the same run.
ROUTES = {
    "api": "/api/v1/public/verify/{}",
    "page": "/v/{}",
    "forged": "/api/v1/public/verify/{}",
    "logging": "/api/v1/public/verify/{}",
}
# Result file and figure prefix per route.
NAMES = {
    "api": "verify",
    "page": "verify_page",
    "forged": "verify_forged",
    "logging": "verify_logging",
}
RATIO_TARGETS = {"api": 0.5, "page": 0.5, "forged": 0.8, "logging": 0.85}
# Absolute throughput for reference (quality targets §2.1, 2 cores), by database.
REFERENCE_RPS = {"postgresql": 1000, "sqlite": 800}
SQLITE_FILE = ROOT / "var" / "bench" / "verify.sqlite3"


def forge(token: str) -> str:
    """The token with one tag character changed (well formed, signature wrong)."""
    swap = "1" if token[-2] != "1" else "2"
    return token[:-2] + swap + token[-1]


# --- environment -------------------------------------------------------------------------------------
def server_env(db_url: str) -> dict[str, str]:
    """The server's environment; `db_url` empty: the site's own SQLite settings (WAL, immediate
    transactions) on the bench's file (bench/verify_settings.py)."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if not db_url:
        env["BENCH_SQLITE_FILE"] = str(SQLITE_FILE)
    env.update(
        **({"DATABASE_URL": db_url} if db_url else {}),
        DJANGO_SETTINGS_MODULE="verify_settings",
        PYTHONPATH=os.pathsep.join([str(BENCH), str(ROOT / "src")]),
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "bench-" + "k" * 50),
    )
    return env


def recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def recreate_sqlite() -> None:
    SQLITE_FILE.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)


def settle_sqlite() -> None:
    """Fresh statistics, and the seeding's write-ahead log folded into the database file."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(SQLITE_FILE)) as conn:
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class NoDatabaseMeter:
    """SQLite runs inside the server's processes: its CPU is the server's."""

    def sample(self) -> dict[str, float]:
        return {}

    def close(self) -> None:
        pass


def settle_database(name: str) -> None:
    """VACUUM ANALYZE after seeding: fresh statistics, and no autovacuum of the new rows running
    (and counted as database CPU) in the middle of a round."""
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603 (our own commands, fixed arguments)
        args, env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    return done.stdout


# --- seeding (runs in a child process with Django set up) --------------------------------------------
def seed(count: int, out: Path) -> None:
    import django

    django.setup()
    from ocop.stamps import codes
    from ocop.stamps.constants import StampState
    from ocop.stamps.models import Stamp
    from ocop.stamps.tests.verify_support import StampFactory

    first = StampFactory()
    rows = [
        Stamp(
            serial=codes.new_serial(),
            batch=first.batch,
            number=n + 2,
            state=StampState.ACTIVATED,
            lot=first.lot,
        )
        for n in range(count - 1)
    ]
    Stamp.objects.bulk_create(rows, batch_size=20_000)
    signer = codes.Signer(first.batch.key_id or None)
    tokens = [signer.token(first.serial)] + [signer.token(r.serial) for r in rows]
    out.write_text("\n".join(tokens))


# --- the server ---------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen:
    granian = str(Path(PYTHON).parent / "granian")
    cmd = [
        granian, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--blocking-threads", str(threads),
        "--no-access-log", "--log-level", "error", "ocop.config.wsgi:application",
    ]  # fmt: skip
    server = subprocess.Popen(cmd, env=env, cwd=ROOT)  # noqa: S603 (fixed arguments)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("granian did not start")


# --- CPU accounting (where the time goes: server, database, load generator) ----------------------------
def _process_tree(pid: int) -> list[int]:
    children = subprocess.run(  # noqa: S603
        ["ps", "-o", "pid=", "--ppid", str(pid)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    return [pid, *(p for child in children for p in _process_tree(int(child)))]


FLUSHER_APPLICATION = "ocop-scan-flusher"  # scanlog.FLUSHER_APPLICATION (its sessions' name)


def _cpu_ticks(pid: int, *, children: bool = False) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    ticks = int(fields[11]) + int(fields[12])  # utime + stime
    if children:  # + cutime + cstime: processes it has reaped (backends that ended)
        ticks += int(fields[13]) + int(fields[14])
    return ticks


def _cpu_seconds(pids: list[int]) -> float:
    return sum(_cpu_ticks(pid) for pid in pids) / os.sysconf("SC_CLK_TCK")


class PostgresMeter:
    """CPU of the PostgreSQL server split by role: the bench database's request backends, the scan
    log's flusher sessions (application_name), and everything else the server did meanwhile
    (autovacuum, WAL writer, checkpointer, backends that came and went — the postmaster's reaped
    children count through its cutime), less this meter's own session."""

    def __init__(self, db: str) -> None:
        import psycopg

        self.db = db
        self._conn = psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
        )
        self._own = self._conn.info.backend_pid
        self._postmaster = int(
            Path(f"/proc/{self._own}/stat").read_text().rsplit(")", 1)[1].split()[1]
        )

    def sample(self) -> dict[str, float]:
        rows = self._conn.execute(
            "SELECT pid, coalesce(application_name, ''), coalesce(datname, ''), backend_type "
            "FROM pg_stat_activity"
        ).fetchall()
        children = subprocess.run(  # noqa: S603
            ["ps", "-o", "pid=", "--ppid", str(self._postmaster)],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        ticks = {int(pid): _cpu_ticks(int(pid)) for pid in children}
        total = _cpu_ticks(self._postmaster, children=True) + sum(ticks.values())
        total -= ticks.get(self._own, 0)
        lookups = flusher = 0
        for pid, app, datname, kind in rows:
            if datname != self.db or kind != "client backend" or pid == self._own:
                continue
            if app == FLUSHER_APPLICATION:
                flusher += ticks.get(pid, 0)
            else:
                lookups += ticks.get(pid, 0)
        hz = os.sysconf("SC_CLK_TCK")
        return {
            "database": lookups / hz,
            "scan_log_db": flusher / hz,
            "postgres_other": (total - lookups - flusher) / hz,
        }

    def close(self) -> None:
        self._conn.close()


class CpuMeter:
    """CPU time per request of the server's processes, the database (split by role, see
    `PostgresMeter`) and this client."""

    def __init__(self, server_pid: int, postgres: PostgresMeter | NoDatabaseMeter) -> None:
        self.server_pid, self.postgres = server_pid, postgres

    def start(self) -> None:
        self._server = _process_tree(self.server_pid)
        self._t0 = (_cpu_seconds(self._server), self.postgres.sample(), time.process_time())

    def per_request_us(self, requests: float) -> dict[str, float]:
        server, database, client = (
            _cpu_seconds(self._server),
            self.postgres.sample(),
            time.process_time(),
        )
        n = max(requests, 1)
        figures = {"server": round(1e6 * (server - self._t0[0]) / n, 1)}
        for key, value in database.items():
            figures[key] = round(1e6 * (value - self._t0[1][key]) / n, 1)
        figures["client"] = round(1e6 * (client - self._t0[2]) / n, 1)
        return figures


# --- the load generator ---------------------------------------------------------------------------------
async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


class Load:
    def __init__(self, port: int, paths: list[str]) -> None:
        self.port = port
        self.paths = paths
        self.cursor = random.randrange(len(paths))
        self.statuses: dict[int, int] = {}
        self.cpu: list[dict[str, float]] = []

    def next_path(self) -> str:
        self.cursor = (self.cursor + 1) % len(self.paths)
        return self.paths[self.cursor]

    async def _connect(self):
        return await asyncio.open_connection("127.0.0.1", self.port)

    async def _one(self, conn) -> None:
        reader, writer = conn
        request = f"GET {self.next_path()} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\n\r\n"
        writer.write(request.encode())
        status = await _read_response(reader)
        self.statuses[status] = self.statuses.get(status, 0) + 1

    async def closed_loop(
        self, seconds: float, connections: int, cpu: CpuMeter | None = None
    ) -> float:
        """Requests per second with `connections` busy connections."""
        if cpu is not None:
            cpu.start()
        done = 0
        deadline = time.perf_counter() + seconds

        async def worker():
            nonlocal done
            conn = await self._connect()
            try:
                while time.perf_counter() < deadline:
                    await self._one(conn)
                    done += 1
            finally:
                conn[1].close()

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        if cpu is not None:
            self.cpu.append(cpu.per_request_us(done))
        return done / (time.perf_counter() - start)

    async def open_loop(self, rate: float, seconds: float, pool: int) -> list[float]:
        """Latencies (ms) of requests scheduled at `rate`/s, timed from their scheduled send.

        Requests wait in a queue for a free connection (one request at a time per connection, no
        pipelining), so a slow answer delays the ones scheduled behind it and that delay counts.
        Built on asyncio protocols rather than streams: the client shares the cores with the
        server, and streams cost it about twice the CPU per request."""
        loop = asyncio.get_running_loop()
        self.dispatch_lag: list[float] = []
        waiting: collections.deque[tuple[float, bytes]] = collections.deque()
        idle: list[_Connection] = []
        latencies: list[float] = []
        requests = [
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\n\r\n".encode()
            for path in self.paths
        ]

        def answered(conn: _Connection, status: int, scheduled: float) -> None:
            latencies.append((time.perf_counter() - scheduled) * 1000)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if waiting:
                conn.send(*waiting.popleft())
            else:
                idle.append(conn)

        for _ in range(pool):
            _transport, conn = await loop.create_connection(
                lambda: _Connection(answered), "127.0.0.1", self.port
            )
            idle.append(conn)
        start = time.perf_counter() + 0.2
        total = int(rate * seconds)
        for n in range(total):
            at = start + n / rate
            delay = at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            self.cursor = (self.cursor + 1) % len(requests)
            # How late the client itself is in handing the request over (its own scheduling on
            # the shared cores, not the server's): reported beside the latencies.
            self.dispatch_lag.append((time.perf_counter() - at) * 1000)
            if idle:
                idle.pop().send(at, requests[self.cursor])
            else:
                waiting.append((at, requests[self.cursor]))
        deadline = time.perf_counter() + 30
        while len(latencies) < total and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        for conn in idle:
            conn.close()
        return latencies


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection of the open-loop client: sends a request, reads the
    answer (Content-Length bodies: what the server sends here), reports it."""

    def __init__(self, answered) -> None:
        self._answered = answered
        self._buffer = b""
        self._scheduled = 0.0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def send(self, scheduled: float, request: bytes) -> None:
        self._scheduled = scheduled
        self.transport.write(request)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        head_end = self._buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return
        head = self._buffer[:head_end].lower()
        marker = head.find(b"content-length:")
        if marker < 0:
            raise RuntimeError("the open-loop client reads Content-Length answers only")
        length = int(
            head[
                marker + 15 : head.find(b"\r\n", marker) if head.find(b"\r\n", marker) > 0 else None
            ]
        )
        if len(self._buffer) < head_end + 4 + length:
            return
        self._buffer = self._buffer[head_end + 4 + length :]
        status = int(head[9:12])
        self._answered(self, status, self._scheduled)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


WRK = shutil.which("wrk")
WRK_SCRIPT = """\
-- Cycle through the paths in PATHS_FILE, each connection from its own offset.
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = line end
local threads = 0
setup = function(thread) threads = threads + 1; thread:set("offset", threads * 7919) end
init = function(args) i = offset or 0 end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], {["User-Agent"] = "bench"})
end
"""


class WrkLoad:
    """Closed-loop throughput with wrk (Debian's package; quality targets §0), cycling through the
    paths with a Lua script. Same interface as `Load.closed_loop`; wrk's own CPU (from the
    children's rusage) is reported as the client's."""

    def __init__(self, port: int, paths: list[str]) -> None:
        self.port = port
        self.paths = paths
        self.statuses: dict[str, int] = {}
        self.cpu: list[dict[str, float]] = []
        fd, self._paths_file = tempfile.mkstemp(prefix="verify-paths-", suffix=".txt")
        with os.fdopen(fd, "w") as out:
            out.write("\n".join(random.sample(paths, len(paths))) + "\n")
        fd, self._script = tempfile.mkstemp(prefix="verify-cycle-", suffix=".lua")
        with os.fdopen(fd, "w") as out:
            out.write(WRK_SCRIPT)

    def close(self) -> None:
        for name in (self._paths_file, self._script):
            with contextlib.suppress(OSError):
                os.unlink(name)

    async def closed_loop(
        self, seconds: float, connections: int, cpu: CpuMeter | None = None
    ) -> float:
        if cpu is not None:
            cpu.start()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = await asyncio.create_subprocess_exec(
            WRK, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", self._script,
            f"http://127.0.0.1:{self.port}",
            env={**os.environ, "PATHS_FILE": self._paths_file},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await proc.communicate()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        text = out.decode()
        found = re.search(r"(\d+) requests in ([\d.]+)(\w+)", text)
        rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
        if proc.returncode != 0 or not found or not rate:
            raise SystemExit(f"wrk failed: {text}{err.decode()}")
        done = int(found.group(1))
        failed = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
        bad = int(failed.group(1)) if failed else 0
        errors = re.search(r"Socket errors: (.*)", text)
        self.statuses["2xx"] = self.statuses.get("2xx", 0) + done - bad
        self.statuses["non-2xx"] = self.statuses.get("non-2xx", 0) + bad
        if errors:
            self.statuses["socket errors"] = errors.group(1)
        if cpu is not None:
            figures = cpu.per_request_us(done)
            used = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            figures["client"] = round(1e6 * used / max(done, 1), 1)
            self.cpu.append(figures)
        return float(rate.group(1))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


# --- the protocol -----------------------------------------------------------------------------------
def _median_cpu(samples: list[dict[str, float]]) -> dict[str, float]:
    return {k: round(statistics.median(s[k] for s in samples), 1) for k in samples[0]}


async def measure(
    ports: tuple[int, int], tokens: list[str], opts, meters: tuple[CpuMeter, CpuMeter]
) -> dict:
    """`ports`, `meters`: the baseline's server and the candidate's (the same one but for the
    `logging` route)."""
    if opts.route == "forged":
        tokens = [forge(t) for t in tokens]
    candidate_paths = [ROUTES[opts.route].format(t) for t in tokens]
    loader = WrkLoad if opts.load == "wrk" else Load
    base_port, port = ports
    baseline = loader(base_port, candidate_paths if opts.route == "logging" else [BASELINE_PATH])
    candidate = loader(port, candidate_paths)
    try:
        await baseline.closed_loop(opts.warmup, opts.connections)
        await candidate.closed_loop(opts.warmup, opts.connections)
        base_runs, cand_runs = [], []
        for _ in range(opts.rounds):
            base_runs.append(await baseline.closed_loop(opts.round, opts.connections, meters[0]))
            cand_runs.append(await candidate.closed_loop(opts.round, opts.connections, meters[1]))
    finally:
        for load in (baseline, candidate):
            if isinstance(load, WrkLoad):
                load.close()
    ratios = [c / b for b, c in zip(base_runs, cand_runs, strict=True)]
    ratio = statistics.median(cand_runs) / statistics.median(base_runs)
    spread = (max(ratios) - min(ratios)) / statistics.median(ratios)
    rate = 0.7 * statistics.median(cand_runs)
    client_cpu = time.process_time()
    fixed_rate = Load(port, candidate_paths)
    latencies = await fixed_rate.open_loop(rate, opts.latency_seconds, 64)
    client_cpu = 1e6 * (time.process_time() - client_cpu) / max(len(latencies), 1)
    lag = fixed_rate.dispatch_lag
    return {
        "baseline_rps": base_runs,
        "candidate_rps": cand_runs,
        "pair_ratios": ratios,
        "ratio_of_medians": ratio,
        "spread": spread,
        "noisy": spread > NOISY_SPREAD,
        "latency_rate_rps": rate,
        "latency_requests": len(latencies),
        "latency_client_cpu_us": round(client_cpu, 1),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "client_dispatch_lag_ms": {
            "p50": percentile(lag, 50),
            "p99": percentile(lag, 99),
            "max": max(lag, default=0.0),
        },
        "cpu_us_per_request": {
            "baseline": _median_cpu(baseline.cpu) if baseline.cpu else {},
            "candidate": _median_cpu(candidate.cpu) if candidate.cpu else {},
        },
        "statuses": {
            "baseline": baseline.statuses,
            "candidate": candidate.statuses,
        },
    }


def machine() -> dict:
    def version(pkg: str) -> str:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as v

        try:
            return v(pkg)
        except PackageNotFoundError:
            return "?"

    commit = subprocess.run(  # noqa: S603
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "django": version("django"),
        "granian": version("granian"),
        "commit": commit,
        "load_generator": "",
    }


def _cpu_text(r: dict, side: str) -> str:
    cpu = r.get("cpu_us_per_request", {}).get(side) or {}
    return ", ".join(f"{k} {v:.0f}" for k, v in cpu.items()) or "n/a"


def _database_text(config: dict) -> str:
    if config.get("database") == "sqlite":
        return "SQLite (WAL, in the server's processes)"
    return f"PostgreSQL over {config.get('db_transport', 'tcp')}"


def write_results(result: dict, lines: list[str], name: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    m, r = result["machine"], result["measurements"]
    base_name = (
        "the API on a server whose scan log never flushes"
        if result["config"]["route"] == "logging"
        else "bare view"
    )
    md = [
        f"# Verification bench (bench/verify.py --route {result['config']['route']})",
        "",
        f"- when: {result['when']}; commit {m['commit']}; {m['platform']}; {m['cpus']} CPUs",
        f"- server: granian {m['granian']} WSGI, {result['config']['workers']} workers × "
        f"{result['config']['threads']} threads; Django {m['django']}; {_database_text(result['config'])}; "
        f"{result['config']['stamps']} seeded stamps; scan logging and rate limits on",
        f"- load: {m['load_generator']}; {result['config']['connections']} connections; "
        f"{result['config']['rounds']} × (baseline, candidate) rounds of {result['config']['round']} s",
        "",
        "| figure | value |",
        "|---|---|",
        f"| baseline ({base_name}) req/s per round | {', '.join(f'{x:.0f}' for x in r['baseline_rps'])} |",
        f"| verification (`{result['config']['path']}`) req/s per round | {', '.join(f'{x:.0f}' for x in r['candidate_rps'])} |",
        f"| ratio of medians | {r['ratio_of_medians']:.2f} (spread {r['spread']:.1%}"
        f"{', noisy' if r['noisy'] else ''}) |",
        f"| fixed rate for latency | {r['latency_rate_rps']:.0f} req/s, {r['latency_requests']} requests; "
        f"client CPU {r.get('latency_client_cpu_us', 0):.0f} µs per request |",
        f"| p50 / p95 / p99 | {r['p50_ms']:.1f} / {r['p95_ms']:.1f} / {r['p99_ms']:.1f} ms |",
        "| the latency client's own lag in sending (p50 / p99 / max) | "
        + " / ".join(f"{r['client_dispatch_lag_ms'][k]:.1f}" for k in ("p50", "p99", "max"))
        + " ms |",
        f"| CPU µs per request, {base_name} (median of rounds) | {_cpu_text(r, 'baseline')} |",
        f"| CPU µs per request, verification | {_cpu_text(r, 'candidate')} |",
        f"| load average before / after | {result['load_average']['before']} / "
        f"{result['load_average']['after']} |",
        f"| answers | {r['statuses']} |",
        "",
        "```",
        *lines,
        "```",
        "",
    ]
    (RESULTS / f"{name}.md").write_text("\n".join(md))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", nargs="?", default="bench", choices=["bench", "seed"])
    parser.add_argument("--db", default=os.environ.get("BENCH_DB_NAME", "ocop_bench_verify"))
    parser.add_argument("--stamps", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--round", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latency-seconds", type=float, default=10.0)
    parser.add_argument("--out", default="")
    parser.add_argument("--route", choices=sorted(ROUTES), default="api")
    parser.add_argument(
        "--database",
        choices=sorted(REFERENCE_RPS),
        default="postgresql",
        help="the server's database: PostgreSQL (default) or the embedded SQLite database, with "
        "the site's own SQLite settings (WAL, immediate transactions) on var/bench/verify.sqlite3",
    )
    parser.add_argument(
        "--db-transport",
        choices=["socket", "tcp"],
        default="socket",
        help="how the server reaches PostgreSQL on this machine: its Unix socket (default, as a "
        "single node runs it; TCP when there is no socket) or TCP on 127.0.0.1:5432",
    )
    parser.add_argument(
        "--load",
        choices=["wrk", "asyncio"],
        default="wrk" if WRK else "asyncio",
        help="throughput load generator (default: wrk when installed, else the asyncio client)",
    )
    opts = parser.parse_args()

    if opts.command == "seed":
        seed(opts.stamps, Path(opts.out))
        return 0

    sqlite = opts.database == "sqlite"
    socket_dir = Path("/var/run/postgresql")
    if sqlite:
        db_url, opts.db_transport = "", "in process"
    elif opts.db_transport == "socket" and (socket_dir / ".s.PGSQL.5432").exists():
        db_url = f"postgres://postgres@{str(socket_dir).replace('/', '%2F')}/{opts.db}"
    else:
        opts.db_transport = "tcp"
        db_url = f"postgres://postgres@127.0.0.1:5432/{opts.db}"
    env = server_env(db_url)
    if sqlite:
        recreate_sqlite()
    else:
        recreate_database(opts.db)
    run([PYTHON, "manage.py", "migrate", "--noinput"], env)
    tokens_file = RESULTS / ".verify-tokens.txt"
    RESULTS.mkdir(parents=True, exist_ok=True)
    run([PYTHON, __file__, "seed", "--stamps", str(opts.stamps), "--out", str(tokens_file)], env)
    tokens = tokens_file.read_text().split()
    tokens_file.unlink()
    if sqlite:
        settle_sqlite()
    else:
        settle_database(opts.db)
    random.shuffle(tokens)

    load_before = os.getloadavg()
    port = free_port()
    server = start_server(env, port, opts.workers, opts.threads)
    servers = [server]
    postgres = NoDatabaseMeter() if sqlite else PostgresMeter(opts.db)
    try:
        meter = CpuMeter(server.pid, postgres)
        ports, meters = (port, port), (meter, meter)
        if opts.route == "logging":
            unlogged_port = free_port()
            unlogged = start_server(
                {**env, "BENCH_SCAN_LOG": "off"}, unlogged_port, opts.workers, opts.threads
            )
            servers.append(unlogged)
            ports, meters = (unlogged_port, port), (CpuMeter(unlogged.pid, postgres), meter)
        measurements = asyncio.run(measure(ports, tokens, opts, meters))
    finally:
        postgres.close()
        for running in servers:
            running.terminate()
        for running in servers:
            running.wait(timeout=30)

    target_ratio = RATIO_TARGETS[opts.route]
    ratio_ok = measurements["ratio_of_medians"] >= target_ratio and not measurements["noisy"]
    p99_ok = measurements["p99_ms"] <= TARGET_P99_MS
    noisy = " NOISY" if measurements["noisy"] else ""
    name = NAMES[opts.route] + ("_sqlite" if sqlite else "")
    reference = REFERENCE_RPS[opts.database]
    lines = [
        f"{name}_throughput_ratio {measurements['ratio_of_medians']:.2f} target>={target_ratio:.2f} "
        f"{'PASS' if ratio_ok else 'FAIL'}{noisy}",
        f"{name}_p99_ms {measurements['p99_ms']:.1f} target<={TARGET_P99_MS:.0f} "
        f"{'PASS' if p99_ok else 'FAIL'}",
        f"{name}_throughput_rps {statistics.median(measurements['candidate_rps']):.0f} ref>={reference}",
    ]
    about = machine()
    about["load_generator"] = (
        "throughput: wrk (1 thread, Lua script cycling through the codes); latency: the asyncio "
        "HTTP/1.1 client of bench/verify.py (fixed rate); same machine"
        if opts.load == "wrk"
        else "asyncio HTTP/1.1 keep-alive client (bench/verify.py), same machine"
    )
    result = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": about,
        "config": {
            "route": opts.route,
            "load": opts.load,
            "path": ROUTES[opts.route],
            "stamps": len(tokens),
            "workers": opts.workers,
            "threads": opts.threads,
            "connections": opts.connections,
            "round": opts.round,
            "rounds": opts.rounds,
            "warmup": opts.warmup,
            "latency_seconds": opts.latency_seconds,
            "database": opts.database,
            "db_transport": opts.db_transport,
        },
        "measurements": measurements,
        "load_average": {
            "before": " ".join(f"{x:.2f}" for x in load_before),
            "after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        },
        "targets": {"throughput_ratio": target_ratio, "p99_ms": TARGET_P99_MS},
        "verdicts": {"throughput_ratio": ratio_ok, "p99": p99_ok},
        "summary": lines,
    }
    write_results(result, lines, name)
    summary.record(lines)
    print("\n".join(lines))
    return 0 if ratio_ok and p99_ok else 1


if __name__ == "__main__":
    sys.exit(main())
