"""Write a framework to a JSON or YAML file that `load_framework` can read back."""

from django.core.management.base import BaseCommand, CommandError

from principles.interchange import FrameworkFileError, file_format, framework_to_data, write_file
from principles.models import Framework


class Command(BaseCommand):
    help = "Export a framework (by id, or by title and optionally --version) to .json or .yaml."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Here --version is the framework's version, replacing Django's own --version.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("framework", help="The framework's id, or its title.")
        parser.add_argument(
            "--version", type=int, help="With a title: this version (default: the latest)."
        )
        parser.add_argument("--output", required=True, help="File to write: .json, .yaml or .yml")

    def handle(self, *args, framework, version, output, **options):
        try:
            file_format(output)
        except FrameworkFileError as error:
            raise CommandError(str(error)) from error
        chosen = self._find(framework, version)
        write_file(framework_to_data(chosen), output)
        self.stdout.write(self.style.SUCCESS(f"Exported {chosen} to {output}"))

    def _find(self, identifier, version):
        frameworks = Framework.objects.all()
        if identifier.isdigit() and version is None:
            found = frameworks.filter(pk=int(identifier)).first()
        else:
            frameworks = frameworks.filter(title=identifier)
            if version is not None:
                frameworks = frameworks.filter(version=version)
            found = frameworks.order_by("-version").first()
        if found is None:
            wanted = identifier if version is None else f"{identifier} version {version}"
            raise CommandError(f"No framework {wanted!r}.")
        return found
