"""Real services for the tests that are about them: a Redis server, a Celery
worker process, an SMTP server and a PostgreSQL server, each on a free loopback port."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f"timed out waiting for {what}")


class RedisServer:
    def __init__(self, directory: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.ping, 10, "redis-server")

    def ping(self) -> bool:
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_timeout=0.5).ping()
        except redis.ConnectionError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class CeleryWorker:
    """`celery -A office worker` in its own process, on the test database."""

    def __init__(self, broker_url: str, log_path: Path, extra_env: dict | None = None, name: str = "worker",
                 pool: tuple = ("--pool", "solo")):
        self.broker_url = broker_url
        self.pool = pool
        self.log_path = log_path
        self.extra_env = extra_env or {}
        self.name = name  # distinct node names when several workers run at once
        self.process = None

    def start(self):
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "office.settings",
                "CELERY_BROKER_URL": self.broker_url,
                "SQLITE_PATH": str(settings.DATABASES["default"]["NAME"]),
                "PYTHONPATH": str(ROOT),
            }
        )
        env.update(self.extra_env)
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "office", "worker", *self.pool, "--loglevel", "INFO", "--without-mingle", "--without-gossip",
             "--hostname", f"{self.name}@%h"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: "ready." in self.log_path.read_text() or self._died(), 60, "celery worker")
        if self.process.poll() is not None:
            raise RuntimeError("celery worker died:\n" + self.log_path.read_text())

    def _died(self) -> bool:
        return self.process.poll() is not None

    def kill(self):
        """SIGKILL, as a crash or the OOM killer would: no cleanup, no acknowledgement."""
        self.process.kill()
        self.process.wait(10)

    def tasks_finished(self) -> int:
        """How many tasks this worker has finished (succeeded, failed or handed to a retry)."""
        log = self.log_path.read_text()
        return sum(log.count(word) for word in ("] succeeded in", "] raised unexpected", "] retry:"))

    def tasks_received(self) -> int:
        return self.log_path.read_text().count("] received")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


class RecordingSMTPHandler:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    """A real SMTP server on localhost; `.handler.envelopes` holds what it received."""
    handler = RecordingSMTPHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _pg_bin(name: str) -> str:
    for version in sorted(Path("/usr/lib/postgresql").glob("*"), reverse=True):
        candidate = version / "bin" / name
        if candidate.exists():
            return str(candidate)
    raise RuntimeError("PostgreSQL is not installed (scripts/test installs it)")


class PostgresServer:
    """A throwaway PostgreSQL cluster on a free port, run as the postgres user."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.data = directory / "data"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/office"

    def _as_postgres(self, *command, **kwargs):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *command], check=True, capture_output=True, text=True, **kwargs)

    def start(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._as_postgres(_pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8")
        self._as_postgres(
            _pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "server.log"), "-w", "start",
            "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60",
        )
        self._as_postgres(_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "office")

    def stop(self):
        try:
            self._as_postgres(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass


@pytest.fixture(scope="session")
def postgres_server():
    import tempfile

    # Not under pytest's tmp folder: the postgres user must be able to reach it.
    directory = Path(tempfile.mkdtemp(prefix="office-pg-"))
    server = PostgresServer(directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
