"""Numbering and booking hold under 20 parallel transactions on PostgreSQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.services


def test_numbers_and_bookings_under_parallel_transactions(postgres_server, tmp_path):
    env = {**os.environ, "DATABASE_URL": postgres_server.url, "PARALLEL": "20", "OFFICE_VAR_DIR": str(tmp_path), "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"}
    env.pop("SQLITE_PATH", None)
    result = subprocess.run([sys.executable, "tests/pg_concurrency.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["vendor"] == "postgresql"
    assert outcome["errors"] == []
    # 20 documents numbered at the same moment: 1..20, none twice, no gap.
    year = outcome["year"]
    assert sorted(outcome["numbers"]) == sorted(f"清人常办发〔{year}〕{n}号" for n in range(1, 21))
    # 20 bookings of one room for one slot at the same moment: exactly one wins.
    assert len(outcome["bookings"]) == 1
