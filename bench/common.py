"""What the benchmarks share: the machine's description, the bench PostgreSQL cluster,
percentiles, and running a bench step in a child process with its own database."""

import contextlib
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
BENCH_VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "RESULTS.md"
PYTHON = sys.executable


def machine() -> str:
    """One line for the results: cores, CPU model, RAM, versions, date."""
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
    import django

    return (f"{os.cpu_count()} cores ({cpu}), {ram} RAM, Python {platform.python_version()}, Django {django.get_version()}, "
            f"SQLite {__import__('sqlite3').sqlite_version}, {postgres_version()}, {datetime.datetime.now():%Y-%m-%d %H:%M}")


def postgres_version() -> str:
    try:
        from tests.services import _pg_bin

        return subprocess.run([_pg_bin("postgres"), "--version"], capture_output=True, text=True).stdout.strip()
    except Exception:  # noqa: BLE001 — only a label
        return "PostgreSQL ?"


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 30 samples is the 29th smallest)."""
    ordered = sorted(values)
    rank = max(1, -(-int(fraction * 1000) * len(ordered) // 1000))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)


@contextlib.contextmanager
def bench_postgres():
    """A PostgreSQL cluster kept under var/bench/pg, so the generated data survives between
    runs; started on a free port for the duration of the block. Yields its DATABASE_URL."""
    from tests.services import PostgresServer, _pg_bin

    class KeptPostgres(PostgresServer):
        def start(self):
            if (self.data / "PG_VERSION").exists():
                self._as_postgres(
                    _pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "server.log"), "-w", "start",
                    "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60",
                )
            else:
                shutil.rmtree(self.data, ignore_errors=True)
                super().start()

    directory = BENCH_VAR / "pg"
    directory.parent.mkdir(parents=True, exist_ok=True)
    server = KeptPostgres(directory)
    server.start()
    try:
        yield server.url
    finally:
        _stop(server)


def _stop(server):
    """A clean shutdown (not 'immediate'), so the next start needs no recovery."""
    from tests.services import _pg_bin

    try:
        server._as_postgres(_pg_bin("pg_ctl"), "-D", str(server.data), "-m", "fast", "-w", "stop")
    except subprocess.CalledProcessError:
        server.stop()


def child_env(database: str, url: str = "") -> dict:
    """The environment of a bench child process for one database ('sqlite' or 'postgres')."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="office.settings", CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    env.pop("DATABASE_URL", None)
    env.pop("SQLITE_PATH", None)
    if database == "postgres":
        env["DATABASE_URL"] = url
    else:
        env["SQLITE_PATH"] = str(BENCH_VAR / "office.sqlite3")
    return env


def generate_into(database: str, url: str, seed: int, scale: float) -> None:
    """Run bench/generate.py for that database (it does nothing when the data are there)."""
    env = child_env(database, url)
    subprocess.run([PYTHON, str(ROOT / "bench" / "generate.py"), "--seed", str(seed), "--scale", str(scale)], env=env, check=True)
