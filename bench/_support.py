"""What the load and scale benchmarks share: a throwaway PostgreSQL, fresh databases, a gunicorn server.

PostgreSQL comes from Debian's binaries through ``tests/pg.py``'s helpers (``scripts/ensure-postgres.sh``
installs them), in a fresh temporary directory, on a free loopback port. Unlike the test suite's cluster it
keeps ``fsync`` on by default, so that its commits cost what they would in production (SQLite runs with
``synchronous=FULL``); ``--pg-fsync off`` is there for comparison.
"""

from __future__ import annotations

import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # runnable from anywhere: bench/ is not an installed package
    sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from tests.pg import _binaries, _run  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def postgres(fsync: bool = True, max_connections: int = 300) -> Iterator[str]:
    """A throwaway cluster; yields the superuser URL of its ``postgres`` database."""
    binaries, port = _binaries(), free_port()
    as_postgres = os.geteuid() == 0
    directory = Path(tempfile.mkdtemp(prefix="juece-bench-pg-"))
    if as_postgres:
        shutil.chown(directory, "postgres", "postgres")
    data = directory / "data"
    _run(str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
         "--locale=C.UTF-8", "--no-sync", as_postgres=as_postgres)
    options = (f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections={max_connections} "
               f"-c fsync={'on' if fsync else 'off'} -c shared_buffers=256MB")
    _run(str(binaries / "pg_ctl"), "-D", str(data), "-l", str(directory / "log"), "-w", "-o", options, "start",
         as_postgres=as_postgres)
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    CLUSTERS[url.rsplit("/", 1)[0]] = data
    try:
        yield url
    finally:
        CLUSTERS.pop(url.rsplit("/", 1)[0], None)
        _run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop", as_postgres=as_postgres)
        shutil.rmtree(directory, ignore_errors=True)


CLUSTERS: dict[str, Path] = {}  # server URL -> data directory of the clusters started here


def postmaster_pid(url: str) -> int | None:
    """The PostgreSQL server process of a cluster started by ``postgres()`` (for its CPU time)."""
    data = CLUSTERS.get(url.rsplit("/", 1)[0])
    if data is None:
        return None
    return int((data / "postmaster.pid").read_text().split()[0])


def tree_cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of a process and all its living descendants (Linux /proc)."""
    if pid is None:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
    return total


def create_database(admin_url: str, name: str) -> str:
    """A new empty database on the cluster of ``admin_url``; returns its URL."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return f"{admin_url.rsplit('/', 1)[0]}/{name}"


class Server:
    """``gunicorn 'web:create_app()'`` as ``make run`` starts it, in its own process group."""

    def __init__(self, url: str, workers: int, workdir: Path, *, port: int | None = None,
                 extra_env: dict[str, str] | None = None, log: Path | None = None) -> None:
        self.port = port or free_port()
        self.url = url
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "JUECE_DATABASE_URL": url,
            "JUECE_LOG_LEVEL": "WARNING",
            "JUECE_SECRET_KEY": "bench-secret-key",
            "JUECE_ATTACHMENTS_DIR": str(workdir / "attachments"),
            "JUECE_SIGNING_KEY": str(workdir / "checkpoint-key.pem"),
            "JUECE_CHECKPOINT_INTERVAL": "0",
            "PYTHONPATH": str(REPO_ROOT),
            **(extra_env or {}),
        }
        self.log = log
        out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed in stop()
        self._out = out
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "--timeout", "120", "web:create_app()"],
            env=env, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True,
        )
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode} (log: {self.log})")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"the server did not answer /healthz within {timeout} s")

    def kill(self) -> None:
        """SIGKILL to the whole process group: the arbiter and every worker die at once, mid-request."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)
        self._close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close()

    def _close(self) -> None:
        if self._out is not subprocess.DEVNULL:
            self._out.close()  # type: ignore[union-attr]
            self._out = subprocess.DEVNULL


def stop_on_sigterm() -> None:
    """``kill PID`` unwinds like Ctrl-C, so the servers and clusters a benchmark started are stopped too."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                            text=True, check=False).stdout.strip()
    import sqlite3

    return {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "commit": commit, "cpus": os.cpu_count(),
            "cpu": cpu, "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "load_average": [round(x, 2) for x in os.getloadavg()]}
