"""Bulk stamp issuance on PostgreSQL: the real service against a raw COPY of the same rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop_bench .venv/bin/python bench/stamp_issue.py

Quality targets §2.4: 10^6 codes from approval to committed rows in ≤ 60 s and ≤ 3.0× a raw COPY
of the same pre-generated rows into the same indexed table, measured in the same run; peak RSS
≤ 500 MB and ≤ 1.25× the peak at 10^5 codes.

Each measurement runs in its own child process, so `ru_maxrss` is that run's peak:
- candidate: `services.batch_approve` then `services.batch_issue` (the background task's body) for a
  requested batch of N codes; timed from the approval to the last committed chunk.
- baseline: N rows (random serials, numbers 1..N) generated first, untimed, then one COPY into
  `stamps_stamp` with all its indexes, timed.
The stamp table is emptied between runs. Protocol: one warm-up of each, then B C B C B C; the ratio
is the ratio of the medians, its spread (max − min) / median of the per-pair ratios; a spread over
15 % marks the run noisy. Writes bench/results/stamp_issue.json and .md; exits non-zero on a miss.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import summary  # noqa: E402 (bench/summary.py)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.config.settings")

TARGET_SECONDS = 60.0
TARGET_RATIO = 3.0
TARGET_RSS_MB = 500.0
TARGET_RSS_RATIO = 1.25
NOISY = 0.15


def _django() -> None:
    import django

    django.setup()


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def _empty_stamps() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE stamps_stamp")


# --- children --------------------------------------------------------------------------------------
def child_candidate(n: int, certificate_id: int) -> dict:
    from ocop.certificates.models import Certificate
    from ocop.core.actor import Actor
    from ocop.stamps import services
    from ocop.stamps.tests.factories import StampBatchFactory

    certificate = Certificate.objects.get(pk=certificate_id)
    batch = StampBatchFactory(
        certificate_obj=certificate, quantity=n, code=f"BENCH-{secrets.token_hex(6)}"
    )
    actor = Actor.system("bench")
    started = time.perf_counter()
    services.batch_approve(actor=actor, batch=batch)
    issued = services.batch_issue(batch_id=batch.pk)
    seconds = time.perf_counter() - started
    assert issued.issued_count == n, issued.issued_count
    return {"seconds": seconds, "rss_mb": _peak_rss_mb(), "batch_id": batch.pk}


def child_baseline(n: int, certificate_id: int) -> dict:
    from django.db import connection, transaction

    from ocop.certificates.models import Certificate
    from ocop.stamps.tests.factories import StampBatchFactory

    certificate = Certificate.objects.get(pk=certificate_id)
    batch = StampBatchFactory(
        certificate_obj=certificate, quantity=n, code=f"BENCH-{secrets.token_hex(6)}"
    )
    serials: set[int] = set()
    while len(serials) < n:
        serials.add(secrets.randbits(63) or 1)
    blocks, buffer = [], io.StringIO()
    for number, serial in enumerate(serials, start=1):
        buffer.write(f"{serial}\t{batch.pk}\t{number}\tissued\n")
        if number % 50_000 == 0:
            blocks.append(buffer.getvalue())
            buffer = io.StringIO()
    blocks.append(buffer.getvalue())
    del serials
    started = time.perf_counter()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY stamps_stamp (serial, batch_id, number, state) FROM STDIN"
        ) as copy,
    ):
        for block in blocks:
            copy.write(block)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rss_mb": _peak_rss_mb(), "batch_id": batch.pk}


def run_child(kind: str, n: int, certificate_id: int) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--n",
        str(n),
        "--certificate",
        str(certificate_id),
    ]
    out = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        command, check=True, capture_output=True, text=True, env=os.environ
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- parent ----------------------------------------------------------------------------------------
def prepare() -> int:
    """Migrate the bench database and create one certified product; return its certificate id."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from ocop.certificates.models import Certificate
    from ocop.certificates.tests.factories import CertificateFactory

    _empty_stamps()
    existing = Certificate.objects.order_by("pk").first()  # a rerun reuses the bench product
    return (existing or CertificateFactory()).pk


def _versions() -> dict:
    import django
    import psycopg
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    commit = subprocess.run(  # noqa: S603
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.strip()
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "psycopg": psycopg.__version__,
        "postgresql": server,
        "machine": f"{platform.machine()} {os.cpu_count()} CPUs",
        "commit": commit,
    }


def _history(path: Path) -> list[dict]:
    """Earlier runs: the previous report's history plus a summary of the previous report."""
    if not path.exists():
        return []
    previous = json.loads(path.read_text())
    medians = previous["medians"]
    entry = {
        "commit": previous["versions"]["commit"],
        "codes": previous["codes"],
        "baseline_seconds": medians["baseline_seconds"],
        "candidate_seconds": medians["candidate_seconds"],
        "ratio": round(medians["candidate_seconds"] / medians["baseline_seconds"], 2),
        "spread": previous["spread"],
    }
    return [*previous.get("history", []), entry]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main_parent(n: int, small: int, reps: int) -> int:
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.stderr.write("stamp_issue needs PostgreSQL: set DATABASE_URL\n")
        return 2
    certificate_id = prepare()
    connection.close()

    def measured(kind: str, count: int) -> dict:
        result = run_child(kind, count, certificate_id)
        _empty_stamps()
        connection.close()
        return result

    warmup = [measured("baseline", small), measured("candidate", small)]
    small_candidate = measured("candidate", small)
    baseline, candidate = [], []
    for _ in range(reps):
        baseline.append(measured("baseline", n))
        candidate.append(measured("candidate", n))

    b_med = statistics.median(r["seconds"] for r in baseline)
    c_med = statistics.median(r["seconds"] for r in candidate)
    pair_ratios = [c["seconds"] / b["seconds"] for b, c in zip(baseline, candidate, strict=True)]
    ratio = c_med / b_med
    spread = (max(pair_ratios) - min(pair_ratios)) / statistics.median(pair_ratios)
    peak = max(r["rss_mb"] for r in candidate)
    rss_ratio = peak / small_candidate["rss_mb"]
    noisy = spread > NOISY
    figures = [
        (
            "stamp_issue_seconds_1e6",
            round(c_med, 2),
            f"<={TARGET_SECONDS:g}",
            c_med <= TARGET_SECONDS,
        ),
        ("stamp_issue_copy_ratio", round(ratio, 2), f"<={TARGET_RATIO:g}", ratio <= TARGET_RATIO),
        ("stamp_issue_peak_rss_mb", round(peak, 1), f"<={TARGET_RSS_MB:g}", peak <= TARGET_RSS_MB),
        (
            "stamp_issue_rss_ratio_1e6_1e5",
            round(rss_ratio, 2),
            f"<={TARGET_RSS_RATIO:g}",
            rss_ratio <= TARGET_RSS_RATIO,
        ),
    ]
    lines = [f"{name} {value} target{target} {verdict(ok)}" for name, value, target, ok in figures]
    if noisy:
        lines.append(f"stamp_issue_spread {spread:.2f} target<={NOISY} NOISY (repeat the run)")
    report = {
        "name": "stamp_issue",
        "codes": n,
        "small_codes": small,
        "versions": _versions(),
        "protocol": "warm-up B C at small size, C at small size, then (B C) x reps at full size",
        "samples": {
            "baseline_copy": baseline,
            "candidate_service": candidate,
            "candidate_small": small_candidate,
            "warmup": warmup,
        },
        "medians": {"baseline_seconds": round(b_med, 3), "candidate_seconds": round(c_med, 3)},
        "pair_ratios": [round(r, 3) for r in pair_ratios],
        "spread": round(spread, 3),
        "noisy": noisy,
        "figures": {
            name: {"value": v, "target": t, "verdict": verdict(ok)} for name, v, t, ok in figures
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    report["history"] = _history(RESULTS / "stamp_issue.json")
    (RESULTS / "stamp_issue.json").write_text(json.dumps(report, indent=2) + "\n")
    md = [
        "# Bulk stamp issuance (PostgreSQL)",
        "",
        f"{n:,} codes through `stamps.services` (approval → last committed chunk) against one raw",
        "`COPY` of the same number of pre-generated rows into the same indexed `stamps_stamp` table,",
        f"same run, alternating baseline and candidate {reps}× after a warm-up. Commit",
        f"`{report['versions']['commit']}`, PostgreSQL {report['versions']['postgresql']},",
        f"{report['versions']['machine']} (shared, noisy: only ratios gate).",
        "",
        "| figure | value | target | verdict |",
        "|---|---|---|---|",
        *[f"| {name} | {v} | {t} | {verdict(ok)} |" for name, v, t, ok in figures],
        "",
        f"Medians: COPY {b_med:.2f} s, service {c_med:.2f} s; per-pair ratios "
        f"{', '.join(f'{r:.2f}' for r in pair_ratios)} (spread {spread:.0%}"
        f"{', NOISY' if noisy else ''}).",
        f"Peak RSS of the service: {peak:.0f} MB at {n:,} codes, "
        f"{small_candidate['rss_mb']:.0f} MB at {small:,}.",
        "",
        "Earlier runs (kept so a good run cannot hide a bad one):",
        "",
        "| commit | codes | COPY s | service s | ratio | spread |",
        "|---|---|---|---|---|---|",
        *[
            f"| {h['commit']} | {h['codes']:,} | {h['baseline_seconds']} | "
            f"{h['candidate_seconds']} | {h['ratio']} | {h['spread']} |"
            for h in report["history"]
        ],
        "",
    ]
    (RESULTS / "stamp_issue.md").write_text("\n".join(md))
    summary.record(lines)
    for line in lines:
        sys.stdout.write(line + "\n")
    return 0 if all(ok for *_, ok in figures) and not noisy else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--child", choices=["candidate", "baseline"])
    parser.add_argument("--certificate", type=int)
    args = parser.parse_args()
    _django()
    if args.child:
        run = child_candidate if args.child == "candidate" else child_baseline
        sys.stdout.write(json.dumps(run(args.n, args.certificate)) + "\n")
        return 0
    return main_parent(args.n, args.small, args.reps)


if __name__ == "__main__":
    sys.exit(main())
