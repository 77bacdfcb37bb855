"""Throw-away PostgreSQL and Redis servers on loopback: for the tests, the benchmark, and for
trying a fleet of workers on one machine.

    with LocalPostgres() as pg, LocalRedis() as rd:
        db = pg.create_database("kz")       # postgresql://kzprivacy@127.0.0.1:PORT/kz
        rd.url                               # redis://127.0.0.1:PORT/0

Each server runs from its own temporary folder on a free non-default port, listens on
127.0.0.1 only, keeps nothing on disk that outlives it, and is stopped by its process id.
PostgreSQL refuses to run as root, so as root initdb and the server run as the `postgres`
user (Debian's package creates it) or, failing that, `nobody`.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import TypeVar

__all__ = ["LocalPostgres", "LocalRedis", "postgres_binary", "missing_servers", "free_port"]

PG_USER = "kzprivacy"  # the superuser initdb creates; trust authentication on loopback only


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_binary(name: str) -> str | None:
    """Path of a PostgreSQL server program (initdb, pg_ctl): on PATH, or Debian's versioned folder."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return candidates[-1] if candidates else None


def missing_servers() -> str | None:
    """Why the local servers cannot start here, or None when they can."""
    missing = [name for name, path in (("redis-server", shutil.which("redis-server")),
                                       ("initdb", postgres_binary("initdb")),
                                       ("pg_ctl", postgres_binary("pg_ctl"))) if not path]
    if missing:
        return (f"{', '.join(missing)} not installed (apt-get install redis-server postgresql; "
                "./setup.sh --test does it)")
    try:
        import psycopg  # noqa: F401
        import redis  # noqa: F401
    except ImportError as exc:
        return f"Python package missing: {exc.name} (pip install -e '.[scale]')"
    return None


def _wait_for_port(port: int, proc: subprocess.Popen | None, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout:.0f} s")


def _gone(pid: int) -> bool:
    """The process has exited (a zombie counts: in a container nobody may reap the daemon's)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):  # not ours to reap
        os.waitpid(pid, os.WNOHANG)


def _stop_pid(pid: int, sig: int, timeout: float = 20) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _gone(pid):
            _reap(pid)
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.1)
    _reap(pid)


def _set_child_subreaper(on: bool) -> None:
    """While on, a daemon that pg_ctl leaves behind becomes our child, so that we can reap it when it
    stops (in a container, PID 1 may reap nobody and the stopped server would stay a zombie)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, int(on), 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


_Server = TypeVar("_Server", bound="_ThrowAwayServer")


class _ThrowAwayServer:
    """A server started for a test or a walkthrough and thrown away: `with` starts it, stops it, and
    cleans up even when starting fails half-way."""

    def start(self) -> str:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self: _Server) -> _Server:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class LocalPostgres(_ThrowAwayServer):
    """A PostgreSQL cluster in a temporary folder (initdb), started with pg_ctl on a free port."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.folder: Path | None = None
        self.pid: int | None = None
        self._run_as: list[str] = []

    @property
    def url(self) -> str:
        return self.database_url("postgres")

    def database_url(self, name: str) -> str:
        return f"postgresql://{PG_USER}@127.0.0.1:{self.port}/{name}"

    def _as_server_user(self) -> tuple[list[str], int | None, int | None]:
        if os.geteuid() != 0:
            return [], None, None
        for name in ("postgres", "nobody"):
            try:
                user = pwd.getpwnam(name)
            except KeyError:
                continue
            runuser = shutil.which("runuser") or shutil.which("su")
            if runuser and runuser.endswith("runuser"):
                return [runuser, "-u", name, "--"], user.pw_uid, user.pw_gid
        raise RuntimeError("running as root and no 'postgres' or 'nobody' user to run PostgreSQL as")

    def start(self) -> str:
        initdb, pg_ctl = postgres_binary("initdb"), postgres_binary("pg_ctl")
        if not initdb or not pg_ctl:
            raise RuntimeError("PostgreSQL server programs not found (apt-get install postgresql)")
        # Not under pytest's tmp folders: those are private to root, and the server runs as another user.
        self.folder = Path(tempfile.mkdtemp(prefix="kzprivacy-pg-"))
        self._run_as, uid, gid = self._as_server_user()
        if uid is not None and gid is not None:
            os.chown(self.folder, uid, gid)
        data, log = self.folder / "data", self.folder / "server.log"
        subprocess.run([*self._run_as, initdb, "-D", str(data), "-U", PG_USER, "--auth=trust", "--encoding=UTF8",
                        "--locale=C", "--no-sync"], check=True, capture_output=True, text=True)
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        _set_child_subreaper(True)
        try:
            subprocess.run([*self._run_as, pg_ctl, "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60",
                            "start"], check=True, capture_output=True, text=True)
        finally:
            _set_child_subreaper(False)
        self.pid = int((data / "postmaster.pid").read_text().split()[0])
        _wait_for_port(self.port, None, "PostgreSQL")
        return self.url

    def create_database(self, name: str) -> str:
        """A new empty database in the cluster; returns its URL."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.database_url(name)

    def stop(self) -> None:
        if self.pid:
            _stop_pid(self.pid, signal.SIGQUIT)  # immediate shutdown: the data is thrown away anyway
            self.pid = None
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None



class LocalRedis(_ThrowAwayServer):
    """redis-server in the foreground as a child process, on a free port, persisting nothing."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.folder: Path | None = None
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> str:
        server = shutil.which("redis-server")
        if not server:
            raise RuntimeError("redis-server not found (apt-get install redis-server)")
        self.folder = Path(tempfile.mkdtemp(prefix="kzprivacy-redis-"))
        self.proc = subprocess.Popen([server, "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
                                      str(self.folder), "--save", "", "--appendonly", "no", "--daemonize", "no"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for_port(self.port, self.proc, "redis-server")
        return self.url

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)  # by its pid; it is our child, so wait() reaps it
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
            self.proc = None
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

