"""York 2020, the shared framework every partnership starts with, in the seed's own words.

The texts live in principles/data/york_2020.json, the same file `load_framework` reads.
The rows are written here with the historical models so this migration keeps working
whatever later happens to the app's own loading code.
"""

import json
from pathlib import Path

from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "york_2020.json"


def load_york_2020(apps, schema_editor):
    Framework = apps.get_model("principles", "Framework")
    Level = apps.get_model("principles", "Level")
    Outcome = apps.get_model("principles", "Outcome")
    Principle = apps.get_model("principles", "Principle")
    Descriptor = apps.get_model("principles", "Descriptor")

    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    if Framework.objects.filter(title=data["title"], version=data["version"]).exists():
        return
    framework = Framework.objects.create(
        partnership=None,
        title=data["title"],
        version=data["version"],
        source=data["source"],
        status="published",
        outcome_rule=data["outcome_rule"],
    )
    levels = {
        item["name"]: Level.objects.create(framework=framework, rank=item["rank"], name=item["name"])
        for item in data["levels"]
    }
    for item in data["outcomes"]:
        Outcome.objects.create(framework=framework, rank=item["rank"], name=item["name"])
    for item in data["principles"]:
        principle = Principle.objects.create(
            framework=framework,
            number=item["number"],
            title=item["title"],
            commitments="\n".join(item["commitments"]),
            indicator=item["indicator"],
        )
        for level_name, text in item["descriptors"].items():
            Descriptor.objects.create(principle=principle, level=levels[level_name], text=text)


def unload_york_2020(apps, schema_editor):
    Framework = apps.get_model("principles", "Framework")
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    Framework.objects.filter(
        partnership=None, title=data["title"], version=data["version"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("principles", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_york_2020, unload_york_2020),
    ]
