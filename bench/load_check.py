"""bench/load.py's report: latency per route class, then the integrity check (what the
database and the bucket hold after the load)."""

from __future__ import annotations

from typing import Any

import psycopg
from load_client import KINDS, Stats


def integrity(dsn: str, schema: str, s3: Any, bucket: str, audits: int, photos: int) -> None:
    """Print and check: nothing lost, nothing duplicated, no orphaned object or row."""
    with psycopg.connect(dsn, options=f"-csearch_path={schema}") as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        stored = one("SELECT count(*) FROM audits WHERE status = 'submitted'")
        all_audits = one("SELECT count(*) FROM audits")
        per_assignment = one(
            "SELECT count(*) FROM (SELECT assignment_id FROM audits GROUP BY assignment_id"
            " HAVING count(*) > 1) d"
        )
        submitted_twice = one(
            "SELECT count(*) FROM (SELECT audit_id FROM audit_events WHERE action = 'submitted'"
            " GROUP BY audit_id HAVING count(*) > 1) d"
        )
        added_twice = one(
            "SELECT count(*) FROM (SELECT data->>'photo_id' FROM audit_events WHERE action ="
            " 'photo_added' GROUP BY 1 HAVING count(*) > 1) d"
        )
        ready = {
            r[0]: r[1:]
            for r in conn.execute("SELECT id, org_id, audit_id FROM photos WHERE status = 'ready'")
        }
        pending = one("SELECT count(*) FROM photos WHERE status <> 'ready'")
        scores = one("SELECT count(*) FROM audit_scores")
    keys = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys |= {o["Key"] for o in page.get("Contents", [])}
    expected_keys = {
        f"{org}/{audit}/{pid}/{v}"
        for pid, (org, audit) in ready.items()
        for v in ("original", "display", "thumb")
    }
    checks = {
        "audits expected = audits submitted": (audits, stored),
        "audits stored in all": (audits, all_audits),
        "assignments with more than one audit": (0, per_assignment),
        "audits submitted twice": (0, submitted_twice),
        "photos added twice": (0, added_twice),
        "photos expected = photos ready": (audits * photos, len(ready)),
        "photos left pending": (0, pending),
        "scores stored": (audits, scores),
        "photo objects missing from storage": (0, len(expected_keys - keys)),
        "orphaned objects in storage": (0, len(keys - expected_keys)),
    }
    failed = 0
    for name, (want, got) in checks.items():
        ok = want == got
        failed += not ok
        print(f"  {'ok ' if ok else 'BAD'} {name}: {got} (expected {want})")
    print("integrity: " + ("nothing lost, nothing duplicated" if not failed else f"{failed} BAD"))


def report(stats: Stats, downtime) -> None:
    every = [x for kind in KINDS for x in stats.latencies[kind]]
    rate = len(every) / stats.elapsed
    print(f"answered requests: {len(every)} in {stats.elapsed:.1f} s = {rate:.0f}/s")
    sizes = sorted(stats.photo_bytes)
    print(
        f"photos: {len(sizes)} sent, {sizes[0] / 1e6:.1f}-{sizes[-1] / 1e6:.1f} MB, "
        f"{sum(sizes) / 1e9:.2f} GB in all"
    )
    targets = {"json": 300, "photo": 1000, "submit": 300, "storage": None}
    for kind in KINDS:
        ordered = sorted(stats.latencies[kind])
        if not ordered:
            continue

        def pct(p: float, ordered=ordered) -> float:
            return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

        target = f" (target p99 < {targets[kind]} ms)" if targets[kind] else " (S3 itself)"
        print(
            f"  {kind:8} n={len(ordered):5}  p50 {pct(0.5):5.0f}  p95 {pct(0.95):5.0f}  "
            f"p99 {pct(0.99):5.0f}  max {ordered[-1] * 1000:5.0f} ms{target}"
        )
    if stats.late:
        print(
            f"visits started late (the phone was still busy): {len(stats.late)}, "
            f"by up to {max(stats.late):.1f} s"
        )
    errors = sum(n for status, n in stats.statuses.items() if status >= 500)
    print(f"client timeouts (then retried): {stats.timeouts}; retries and repeats: {stats.retries}")
    print(f"5xx answers: {errors}; by status: {dict(sorted(stats.statuses.items()))}")
    if downtime:
        print(f"PostgreSQL restarted during the run ({downtime[1]:.1f} s to restart)")
