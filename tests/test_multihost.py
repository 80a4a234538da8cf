"""The multi-host shape for real: two gunicorn web processes and two Celery workers
against ONE PostgreSQL and ONE Redis, sharing one media folder — as on several hosts.
Twenty requests at once through both web processes take document numbers and
dispatch one car; the work they queue is shared by both workers; numbers have no
gap or repeat, the car goes out once, every message and email is there once."""

import collections
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.services import ROOT, CeleryWorker, _pg_bin, free_port, wait_for

pytestmark = pytest.mark.services
PARALLEL = 20


class WebProcess:
    """`gunicorn office.wsgi` on its own port, as a web host would run it."""

    def __init__(self, env: dict, log_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.log_path = log_path
        self.process = None

    def start(self):
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "office.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
             "--threads", "4", "--timeout", "120"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        wait_for(lambda: self._answers() or self.process.poll() is not None, 120, "gunicorn")
        if self.process.poll() is not None:
            raise RuntimeError("gunicorn died:\n" + self.log_path.read_text())

    def _answers(self) -> bool:
        try:
            return urllib.request.urlopen(self.url + "/accounts/login/", timeout=2).status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)
        self.log.close()


class Browser:
    """A logged-in person: cookies kept, CSRF token sent back, redirects not followed."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirect)

    def _csrf(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def request(self, url: str, data: dict | None = None) -> tuple[int, str]:
        body = None
        headers = {}
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers = {"X-CSRFToken": self._csrf(), "Content-Type": "application/x-www-form-urlencoded"}
        try:
            with self.opener.open(urllib.request.Request(url, data=body, headers=headers), timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def login(self, base: str, username: str, password: str):
        self.request(base + "/accounts/login/")
        status, _ = self.request(base + "/accounts/login/", {"username": username, "password": password})
        assert status == 302, f"login of {username} failed"


@pytest.fixture
def database(postgres_server):
    where = ["-h", "127.0.0.1", "-p", str(postgres_server.port), "-U", "postgres"]
    subprocess.run([_pg_bin("dropdb"), *where, "--if-exists", "multihost"], check=True, capture_output=True)
    subprocess.run([_pg_bin("createdb"), *where, "multihost"], check=True, capture_output=True)
    return postgres_server.url.rsplit("/", 1)[0] + "/multihost"


def sql(env: dict, code: str):
    """Run `code` (which prints JSON) in a Django shell on the shared database."""
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_two_web_processes_and_two_workers_on_one_database_and_one_redis(database, redis_server, smtp_server, tmp_path):
    media = tmp_path / "shared-media"  # on several hosts: one mounted volume
    env = {**os.environ, "DATABASE_URL": database, "CELERY_BROKER_URL": redis_server.url, "MEDIA_ROOT": str(media),
           "OFFICE_VAR_DIR": str(tmp_path / "var"), "EMAIL_HOST": smtp_server.hostname, "EMAIL_PORT": str(smtp_server.port),
           "NOTIFICATION_CHANNELS": "email", "PARALLEL": str(PARALLEL), "PYTHONPATH": str(ROOT)}
    env.pop("SQLITE_PATH", None)
    setup = subprocess.run([sys.executable, "tests/pg_multihost.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert setup.returncode == 0, setup.stderr[-3000:]
    ids = json.loads(setup.stdout.strip().splitlines()[-1])

    webs = [WebProcess(env, tmp_path / f"web{index}.log") for index in range(2)]
    workers = [CeleryWorker(redis_server.url, tmp_path / f"worker{index}.log", extra_env=env, name=f"host{index}") for index in range(2)]
    try:
        for process in (*webs, *workers):
            process.start()
        # One person, one login; the session lives in the shared database, so either
        # web process serves it (no sticky sessions needed).
        staff = Browser()
        staff.login(webs[0].url, "staff", ids["password"])
        assert staff.request(webs[1].url + "/documents/outgoing/")[0] == 200

        def post(index: int, path: str, data: dict) -> int:
            return staff.request(webs[index % 2].url + path, data)[0]

        barrier = threading.Barrier(PARALLEL)

        def take_number(index: int) -> int:
            barrier.wait(30)
            return post(index, f"/documents/outgoing/{ids['outgoing'][index]}/action/number/", {"number-confirm": "on"})

        def dispatch(index: int) -> tuple[int, str]:
            barrier.wait(30)
            status, page = staff.request(webs[index % 2].url + f"/logistics/trips/{ids['trips'][index]}/dispatch/",
                                         {"dispatch-vehicle": ids["vehicle"], "dispatch-driver": ids["drivers"][index]})
            return status, page

        with ThreadPoolExecutor(PARALLEL) as pool:
            numbered = list(pool.map(take_number, range(PARALLEL)))
            barrier.reset()
            dispatched = list(pool.map(dispatch, range(PARALLEL)))
            # Work for the workers from both web processes: 交办 (a PDF and an email), and
            # every document sealed and printed (a GB/T 9704 PDF each).
            assert post(0, f"/supervision/{ids['item']}/action/assign/", {"assign-confirm": "on"}) == 302
            sealed = list(pool.map(lambda i: post(i, f"/documents/outgoing/{ids['outgoing'][i]}/action/seal/", {"seal-confirm": "on"}), range(PARALLEL)))
            printed = list(pool.map(lambda i: post(i, f"/documents/outgoing/{ids['outgoing'][i]}/action/print/", {"print-confirm": "on"}), range(PARALLEL)))
        assert numbered == sealed == printed == [302] * PARALLEL
        assert sorted(status for status, _ in dispatched) == [200] * (PARALLEL - 1) + [302]
        refusals = [re.search(r"苏A·M0001在[^<]*已有任务", page) for status, page in dispatched if status == 200]
        assert all(refusals), "every refused dispatch names the clash"

        state = lambda: sql(env, (  # noqa: E731
            "import json; from documents.models import OutgoingDocument as D; from office.models import Delivery, Message;"
            "from logistics.models import VehicleBooking;"
            "print(json.dumps({'numbers': sorted(d.serial for d in D.objects.all()), 'pdfs': D.objects.exclude(pdf='').count(),"
            " 'bookings': VehicleBooking.objects.count(), 'pending': Delivery.objects.exclude(status='sent').count(),"
            " 'deliveries': Delivery.objects.count(), 'messages': list(Message.objects.values_list('event_key', 'recipient_id')),"
            " 'assigned': Message.objects.filter(event_key__contains=':assigned:').count()}))"))
        wait_for(lambda: (lambda s: s["pdfs"] == PARALLEL and s["assigned"] == 1 and s["pending"] == 0)(state()), 120,
                 "the workers to finish")
        wait_for(lambda: all(worker.tasks_finished() == worker.tasks_received() for worker in workers), 60, "idle workers")
        result = state()
    finally:
        for process in (*webs, *workers):
            if process.process is not None:
                process.stop()

    assert result["numbers"] == list(range(1, PARALLEL + 1))  # gapless, none twice
    assert result["bookings"] == 1
    assert collections.Counter(map(tuple, result["messages"])).most_common(1)[0][1] == 1  # each message once
    assert len(smtp_server.handler.envelopes) == result["deliveries"] > 0  # one email per delivery
    files = sorted(path.name for path in media.rglob("*.pdf"))
    assert len(files) == PARALLEL + 1 and "交办通知单.pdf" in files  # 20 documents and the 交办通知单, once each
    # Both workers did part of the work.
    assert all(worker.tasks_finished() > 0 for worker in workers), [worker.tasks_finished() for worker in workers]
