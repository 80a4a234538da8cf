"""What the PDF, report and worker-memory benchmarks add to bench/common.py: a
throwaway Django database, timing a function with median and p95, Markdown tables,
and their own section of bench/RESULTS.md (each replaces only the section it owns)."""

import os
import re
import sys
import time
from collections.abc import Callable

from common import BENCH_VAR, RESULTS, ROOT, machine, median, percentile  # noqa: F401  (machine: for the scripts)


def django_setup(database: str, media: str = "media") -> None:
    """Django on var/bench/<database> (unless DATABASE_URL is set), its files under
    var/bench/<media>, tasks run inline: nothing touches the office's own data."""
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "office.settings")
    os.environ.setdefault("SQLITE_PATH", str(BENCH_VAR / database))
    os.environ.setdefault("MEDIA_ROOT", str(BENCH_VAR / media))
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Timing:
    """Wall times, and the process's CPU times beside them: on a busy machine the CPU time
    shows what the code costs when the wall time also holds waiting for a core."""

    def __init__(self, samples: list[float], cpu_samples: list[float]):
        self.samples, self.cpu_samples = samples, cpu_samples

    @property
    def cpu_median(self) -> float:
        return median(self.cpu_samples)

    @property
    def median(self) -> float:
        return median(self.samples)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 0.95)


def timed(function: Callable, runs: int = 20, warmup: int = 2) -> Timing:
    """Wall time of `function()` over `runs` calls after `warmup` calls."""
    for _ in range(warmup):
        function()
    samples, cpu_samples = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        function()
        samples.append(time.perf_counter() - started)
        cpu_samples.append(time.process_time() - cpu_started)
    return Timing(samples, cpu_samples)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def markdown_table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def results_section_write(heading: str, body: str) -> None:
    """Put `## heading` with `body` into bench/RESULTS.md, replacing that section only."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    section = f"## {heading}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    RESULTS.write_text(text)


def load_average() -> str:
    """Other work on the machine while measuring (the times are wall times)."""
    return f"load average {os.getloadavg()[0]:.1f}"
