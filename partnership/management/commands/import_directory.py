"""Load organisations, services and projects from a filled-in template.

    manage.py import_directory directory.xlsx --partnership york --dry-run

Every problem is listed with its sheet, row and column; with any problem, or with
--dry-run, nothing is written. Otherwise all rows are written in one transaction.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partnership import directory_import as di
from partnership.models import Partnership


class Command(BaseCommand):
    help = "Load a partnership's organisations, services and projects from an XLSX or CSV file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The filled-in template (.xlsx or .csv)")
        parser.add_argument("--partnership", required=True, help="The partnership's web address")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing"
        )

    def handle(self, *args, **options):
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        if partnership is None:
            raise CommandError(f"There is no partnership “{options['partnership']}”.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file {path}.")
        try:
            sheets = di.read_rows(path.name, path.read_bytes())
        except di.ImportRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        plan = di.directory_plan(partnership, sheets)
        self._report(plan)
        if not plan.ok:
            raise CommandError(f"{len(plan.problems)} problems; nothing was written.")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
            return
        try:
            di.directory_import(partnership=partnership, sheets=sheets)
        except di.ImportHasProblems as failure:
            self._report(failure.plan)
            raise CommandError(
                "The directory changed while checking; nothing was written."
            ) from failure
        self.stdout.write(self.style.SUCCESS(f"Written to {partnership.name}."))

    def _report(self, plan):
        for name, (added, changed, same) in plan.counts().items():
            self.stdout.write(f"{name}: {added} to add, {changed} to change, {same} the same")
        for problem in plan.problems:
            self.stderr.write(str(problem))
