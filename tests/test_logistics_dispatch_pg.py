"""Dispatch holds under 20 parallel transactions on PostgreSQL: 20 overlapping trips
sent to one vehicle at the same instant, then 20 sent to one driver — exactly one wins
each time, the others are refused with the clash, nothing errors or deadlocks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import _pg_bin

ROOT = Path(__file__).resolve().parent.parent
PARALLEL = 20
pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def outcome(postgres_server, tmp_path_factory):
    env = {**os.environ, "PARALLEL": str(PARALLEL), "OFFICE_VAR_DIR": str(tmp_path_factory.mktemp("pg_dispatch")),
           "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"}
    env.pop("SQLITE_PATH", None)
    # A fresh database of its own, so the order of the PostgreSQL tests does not matter.
    database = "dispatch"
    where = ["-h", "127.0.0.1", "-p", str(postgres_server.port), "-U", "postgres"]
    subprocess.run([_pg_bin("dropdb"), *where, "--if-exists", database], check=True, capture_output=True)
    subprocess.run([_pg_bin("createdb"), *where, database], check=True, capture_output=True)
    env["DATABASE_URL"] = postgres_server.url.rsplit("/", 1)[0] + f"/{database}"
    result = subprocess.run([sys.executable, "tests/pg_dispatch.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["vendor"] == "postgresql"
    return data


def check_one_winner(race: dict, who: str):
    assert race["errors"] == [] and race["hung"] == 0, race
    assert len(race["won"]) == 1, race
    assert len(race["refused"]) == PARALLEL - 1, race
    # Every loser was told what holds the resource: the winner's trip.
    [winner] = race["winner"]
    clock, purpose = winner.split(" ")
    assert race["refused"] == [f"{who}在 3月13日 {clock}–11:00 已有任务（清河街道（{purpose}））"] * (PARALLEL - 1)
    # The database agrees: one trip dispatched with one booking, the rest still approved.
    assert race["dispatched"] == race["won"]
    assert race["approved"] == PARALLEL - 1
    assert [owner for owner, _, _ in race["bookings"]] == race["won"]


def test_twenty_trips_to_one_vehicle_at_once_one_wins(outcome):
    race = outcome["same_vehicle"]
    check_one_winner(race, "苏A·P0000")
    [(_, plate, _)] = race["bookings"]
    assert plate == "苏A·P0000"


def test_twenty_trips_to_one_driver_at_once_one_wins(outcome):
    race = outcome["same_driver"]
    check_one_winner(race, "该驾驶员")
    [(_, _, driver)] = race["bookings"]
    assert driver == "driver_x"
