"""Load a framework from a JSON or YAML file, all or nothing.

The whole file is checked first; if anything is wrong every problem is printed with its
place in the file and nothing is written.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from partnership.models import Partnership
from principles.interchange import FrameworkFileError, read_file, validate_framework_data
from principles.models import Framework
from principles.services import framework_create_from_data


class Command(BaseCommand):
    help = "Load a framework from .json or .yaml as a draft (or published with --publish)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Here --version is the framework's version, replacing Django's own --version.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .json, .yaml or .yml framework file.")
        parser.add_argument(
            "--partnership",
            help="Slug of the partnership that owns it; without it every partnership may use it.",
        )
        parser.add_argument("--title", help="Load under this title instead of the file's.")
        parser.add_argument("--version", type=int, help="Load as this version number.")
        parser.add_argument(
            "--publish", action="store_true", help="Publish it at once so audits can use it."
        )

    def handle(self, *args, file, partnership, title, version, publish, **options):
        try:
            data = read_file(file)
        except FrameworkFileError as error:
            raise CommandError(str(error)) from error

        if isinstance(data, dict):
            if title is not None:
                data["title"] = title
            if version is not None:
                data["version"] = version
        errors = validate_framework_data(data)
        owner = None
        if partnership:
            owner = Partnership.objects.filter(slug=partnership).first()
            if owner is None:
                errors.append(f"--partnership: no partnership with the slug {partnership!r}")
        if not errors and "version" in data:
            if Framework.objects.filter(title=data["title"], version=data["version"]).exists():
                errors.append(
                    f"version: {data['title']} (version {data['version']}) already exists; "
                    "give another --version or --title"
                )
        if errors:
            for error in errors:
                self.stderr.write(f"{file}: {error}")
            raise CommandError(f"Nothing was loaded: {len(errors)} problem(s) in {file}.")

        try:
            framework = framework_create_from_data(data=data, partnership=owner, publish=publish)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        status = framework.get_status_display().lower()
        self.stdout.write(self.style.SUCCESS(f"Loaded {framework} as {status} (id {framework.pk})"))
