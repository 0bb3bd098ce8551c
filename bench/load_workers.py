"""bench/load.py's Celery side: workers (niced: requests come first on a shared machine) and
beat, killing a worker mid-task and starting another, and waiting for every photo to be ready."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent


class Workers:
    """Celery worker processes and one beat, each in a process group of its own."""

    def __init__(self, env: dict[str, str], count: int, concurrency: int, folder: str) -> None:
        self.env, self.count, self.concurrency, self.folder = env, count, concurrency, folder
        self.workers: list[subprocess.Popen] = []
        self.beat: subprocess.Popen | None = None
        self.started = 0
        self.kills: list[float] = []

    def _spawn(self, *args: str) -> subprocess.Popen:
        # The lowest priority: on two shared cores a worker decoding a 12 MP photo at nice 10
        # still took a tenth of the CPU from the requests (CFS weights 110 against 1024);
        # at 19 it takes 1.5%, and the photos have a minute to be ready, not 300 ms.
        command = ["nice", "-n", "19", sys.executable, "-m", "celery", "-A", "wsgi:celery"]
        return subprocess.Popen(
            [*command, *args, "--loglevel", "WARNING"],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,  # its pool processes die with it on a kill
        )

    def _worker(self) -> subprocess.Popen:
        self.started += 1
        name = f"load{self.started}@%h"
        return self._spawn("worker", "--concurrency", str(self.concurrency), "-n", name)

    def start(self) -> None:
        self.workers = [self._worker() for _ in range(self.count)]
        schedule = os.path.join(self.folder, "beat-schedule")
        self.beat = self._spawn("beat", "-s", schedule)

    def kill_and_replace(self) -> None:
        """SIGKILL the first worker and its pool (tasks die mid-run), then start another."""
        victim = self.workers.pop(0)
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait()
        self.kills.append(time.perf_counter())
        self.workers.append(self._worker())

    def stop(self) -> None:
        for process in [*self.workers, *([self.beat] if self.beat else [])]:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, signal.SIGKILL)


def photo_states(dsn: str, schema: str) -> dict[str, int]:
    """How many photos are in each status."""
    with psycopg.connect(dsn, options=f"-csearch_path={schema}", connect_timeout=3) as conn:
        return dict(conn.execute("SELECT status, count(*) FROM photos GROUP BY 1").fetchall())


def wait_processed(dsn: str, schema: str, since: float, limit_s: float) -> tuple[float, dict]:
    """Seconds from `since` (the last upload's answer) until no photo is processing, and the
    statuses then (or after `limit_s`). A database that is restarting is asked again."""
    deadline = time.perf_counter() + limit_s
    states: dict[str, int] = {}
    while time.perf_counter() < deadline:
        try:
            states = photo_states(dsn, schema)
        except psycopg.OperationalError:
            time.sleep(0.5)
            continue
        if not states.get("processing") and not states.get("pending"):
            break
        time.sleep(0.25)
    return time.perf_counter() - since, states


def rerun_jobs(dsn: str, schema: str) -> tuple[int, int]:
    """Photo jobs run more than once (a worker killed mid-task), and jobs not done."""
    with psycopg.connect(dsn, options=f"-csearch_path={schema}") as conn:
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE attempts > 1), count(*) FILTER (WHERE status <> 'done')"
            " FROM outbox WHERE name = 'photos.process'"
        ).fetchone()
    return row[0], row[1]


def cpu_seconds(roots: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far by each named process with its descendants (from `ps`)."""
    rows = subprocess.run(
        ["ps", "-eo", "pid=,ppid=,cputimes="], capture_output=True, text=True, check=True
    ).stdout.split()
    triples = [tuple(int(x) for x in rows[i : i + 3]) for i in range(0, len(rows), 3)]
    children: dict[int, list[int]] = {}
    for pid, ppid, _ in triples:
        children.setdefault(ppid, []).append(pid)
    cpu = {pid: seconds for pid, _, seconds in triples}
    found = {}
    for name, root in roots.items():
        stack, total = [root], 0
        while stack:
            pid = stack.pop()
            total += cpu.get(pid, 0)
            stack.extend(children.get(pid, []))
        found[name] = float(total)
    return found


def machine_cpu_seconds() -> float:
    """CPU seconds the whole machine spent busy since boot (all cores, from /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(x) for x in fields]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")


def process_cpu(roots: dict[str, int], workers: Workers | None) -> dict[str, float]:
    """CPU seconds so far of each part of the bench (the phones: this process alone)."""
    roots = {**roots, "phones (this process)": os.getpid()}
    if workers is not None:
        roots.update({f"celery {n}": p.pid for n, p in enumerate(workers.workers)})
    used = cpu_seconds(roots)
    mine = "phones (this process)"
    used[mine] -= sum(v for k, v in used.items() if k != mine)  # its children counted apart
    return used


def report_cpu(
    roots: dict[str, int],
    workers: Workers | None,
    busy_before: float,
    started: float,
    before: dict[str, float],
) -> None:
    """Print the machine's busy CPU seconds since `started` (others' work included: the
    machine is shared) and what each part of the bench used over the same time."""
    used = process_cpu(roots, workers)
    busy, wall = machine_cpu_seconds() - busy_before, time.perf_counter() - started
    print(f"CPU s, load start to all processed: machine {busy:.0f} of {2 * wall:.0f} on 2")
    # ps counts whole seconds: each figure is good to about one second.
    parts = ",".join(f" {k} {v - before.get(k, 0.0):.0f}" for k, v in used.items())
    print(f"  CPU s by process over the same time:{parts}")
