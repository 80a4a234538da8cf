"""`manage.py backup PATH.tar.gz`: the database and every uploaded or generated file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from office.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "备份：数据库全部记录和 MEDIA_ROOT 下全部文件写入一个 .tar.gz（含清单与校验值）"

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件，如 /backup/office-2026-11-24.tar.gz")

    def handle(self, *args, path, **options):
        try:
            manifest = backup_create(Path(path))
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["models"].values())
        self.stdout.write(f"已备份到 {path}：{rows}条记录（{len(manifest['models'])}类），{len(manifest['files'])}个文件")
