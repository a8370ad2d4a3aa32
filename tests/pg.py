"""A throwaway PostgreSQL cluster for the test suite (``JUECE_TEST_DATABASE=postgres``).

Uses Debian's server binaries (``scripts/ensure-postgres.sh`` installs them when missing), starts a
cluster on a free loopback port in a fresh temporary directory, and removes it afterwards. As root,
``initdb``/``pg_ctl`` must run as the ``postgres`` user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL server binaries are missing: run scripts/ensure-postgres.sh")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(*command: str, as_postgres: bool) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if as_postgres else []
    subprocess.run([*prefix, *command], check=True, stdin=subprocess.DEVNULL, capture_output=True)


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Yield a superuser URL (``postgresql+psycopg://postgres@127.0.0.1:PORT/postgres``)."""
    binaries, port = _binaries(), _free_port()
    as_postgres = os.geteuid() == 0
    directory = Path(tempfile.mkdtemp(prefix="juece-pg-"))
    if as_postgres:
        shutil.chown(directory, "postgres", "postgres")
    data = directory / "data"
    _run(str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
         "--locale=C.UTF-8", "--no-sync", as_postgres=as_postgres)
    options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    _run(str(binaries / "pg_ctl"), "-D", str(data), "-l", str(directory / "log"), "-w", "-o", options, "start",
         as_postgres=as_postgres)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        _run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop", as_postgres=as_postgres)
        shutil.rmtree(directory, ignore_errors=True)
