"""`manage.py backup` and `manage.py restore`: a data set of every duty (with uploaded
and generated files, audit history and secret-document grants) is backed up, restored
into a fresh empty SQLite database and a fresh PostgreSQL database by the commands in
their own processes, and every row and every file is compared with the original."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from documents.models import IncomingGrant, OutgoingGrant

from tests.bulk_data import BulkData
from tests.services import ROOT, _pg_bin

pytestmark = pytest.mark.django_db


def manage(*args, env: dict, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr[-3000:]
    return result


# Every row with every value at full precision (natural keys for content types and
# permissions, whose ids differ between databases), as JSON; run here and in the
# restored installation.
DUMP = """
import json
from django.apps import apps
from django.core import serializers
from office.backup import REBUILT, SKIPPED
rows = {}
for model in apps.get_models():
    if model._meta.label_lower in REBUILT | SKIPPED or model._meta.proxy or not model._meta.managed:
        continue
    for row in serializers.serialize("python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True):
        fields = row["fields"]
        for field in model._meta.many_to_many:  # in whatever order the database returns them
            fields[field.name] = sorted(fields[field.name], key=repr)
        rows[row["model"] + ":" + str(row["pk"])] = fields
print(json.dumps(rows, default=lambda value: value.isoformat() if hasattr(value, "isoformat") else str(value), ensure_ascii=False))
"""


def dump_here() -> dict:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(DUMP, {})
    return json.loads(out.getvalue())


def files(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


@pytest.fixture
def original(office, settings, tmp_path):
    """Records of every kind, made through the services, with their files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NOTIFICATION_CHANNELS = ["email"]
    BulkData(office).grow(2)
    # Generated PDFs kept on records, besides the uploads BulkData makes.
    from meetings.documents import document_generate
    from meetings.models import MeetingDocument

    for document in MeetingDocument.objects.all():
        document_generate(document.pk)
    assert LogEntry.objects.exists() and IncomingGrant.objects.exists() and OutgoingGrant.objects.exists()
    assert len(files(settings.MEDIA_ROOT)) >= 5
    return settings.MEDIA_ROOT


def restored_env(tmp_path: Path, name: str, **extra) -> dict:
    env = {**os.environ, "OFFICE_VAR_DIR": str(tmp_path / f"{name}-var"), "MEDIA_ROOT": str(tmp_path / f"{name}-media"),
           "SQLITE_PATH": str(tmp_path / f"{name}.sqlite3"), "CELERY_BROKER_URL": "redis://127.0.0.1:1/0", **extra}
    env.pop("DATABASE_URL", None)
    env.update(extra)
    return env


def backup(tmp_path) -> Path:
    archive = tmp_path / "backup" / "office.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    assert archive.exists() and not archive.with_name("office.tar.gz.partial").exists()
    return archive


def check_same(before: dict, original_media: Path, env: dict):
    after = json.loads(manage("shell", "-c", DUMP, env=env).stdout.strip().splitlines()[-1])
    assert set(after) == set(before)
    different = [key for key in before if before[key] != after[key]]
    assert different == [], [(key, {name: (value, after[key].get(name)) for name, value in before[key].items() if after[key].get(name) != value})
                             for key in different[:3]]
    assert files(Path(env["MEDIA_ROOT"])) == files(original_media)


def test_backup_then_restore_into_an_empty_sqlite_database(original, tmp_path):
    archive = backup(tmp_path)
    env = restored_env(tmp_path, "restored")
    output = manage("restore", str(archive), env=env).stdout
    assert "与清单核对一致" in output
    check_same(dump_here(), original, env)
    # Every kind of record came across, the audit history and the grants included.
    labels = {key.split(":")[0] for key in dump_here()}
    assert {"auditlog.logentry", "documents.incominggrant", "documents.outgoinggrant", "auth.user", "auth.group", "supervision.supervisionitem",
            "meetings.meeting", "documents.outgoingdocument", "documents.incomingdocument", "logistics.trip",
            "conduct.errorentry", "office.message", "office.delivery"} <= labels

    # A second restore into the now full database is refused, and nothing changes.
    refused = manage("restore", str(archive), env=env, check=False)
    assert refused.returncode != 0
    assert "目标数据库不是空的" in refused.stderr and "--force" in refused.stderr
    check_same(dump_here(), original, env)
    # With --force it replaces what is there by the archive, again identical.
    manage("restore", str(archive), "--force", env=env)
    check_same(dump_here(), original, env)


def test_a_damaged_archive_is_refused(original, tmp_path):
    import io
    import tarfile

    archive = backup(tmp_path)
    damaged, changed = tmp_path / "damaged.tar.gz", None
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if changed is None and member.name.startswith("media/"):
                changed, data = member.name.removeprefix("media/"), data + b"changed"
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    refused = manage("restore", str(damaged), env=restored_env(tmp_path, "damaged"), check=False)
    assert refused.returncode != 0
    assert f"文件 {changed} 内容不符" in refused.stderr


@pytest.mark.services
def test_restore_into_an_empty_postgresql_database(original, tmp_path, postgres_server):
    archive = backup(tmp_path)
    where = ["-h", "127.0.0.1", "-p", str(postgres_server.port), "-U", "postgres"]
    subprocess.run([_pg_bin("dropdb"), *where, "--if-exists", "restored"], check=True, capture_output=True)
    subprocess.run([_pg_bin("createdb"), *where, "restored"], check=True, capture_output=True)
    env = restored_env(tmp_path, "pg", DATABASE_URL=postgres_server.url.rsplit("/", 1)[0] + "/restored")
    manage("restore", str(archive), env=env)
    check_same(dump_here(), original, env)
    # The sequences moved past the restored ids: a new record gets a fresh id.
    created = manage("shell", "-c", "from office.models import Unit; print(Unit.objects.create(name='新单位', short_name='新').pk,"
                     " Unit.objects.exclude(name='新单位').order_by('-pk').first().pk)", env=env).stdout.strip().splitlines()[-1].split()
    assert int(created[0]) > int(created[1])
