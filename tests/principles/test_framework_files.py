"""export_framework and load_framework: a round trip keeps every word; a bad file loads nothing."""

import json
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from principles.interchange import framework_to_data
from principles.models import YORK_2020_TITLE, Descriptor, Framework, Level, Outcome, Principle
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def york():
    return Framework.objects.get(title=YORK_2020_TITLE, version=1)


def row_counts():
    return [model.objects.count() for model in (Framework, Level, Outcome, Principle, Descriptor)]


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("suffix", ["json", "yaml"])
def test_york_2020_round_trips_as_a_new_version(tmp_path, suffix):
    exported = tmp_path / f"york.{suffix}"
    run("export_framework", YORK_2020_TITLE, "--version", "1", "--output", str(exported))
    run("load_framework", str(exported), "--version", "2", "--publish")

    loaded = Framework.objects.get(title=YORK_2020_TITLE, version=2)
    assert loaded.status == Framework.Status.PUBLISHED
    assert loaded.partnership is None
    original, copy = framework_to_data(york()), framework_to_data(loaded)
    assert copy == {**original, "version": 2}
    assert Descriptor.objects.filter(principle__framework=loaded).count() == 18


def test_export_by_id_then_load_under_a_new_title_for_one_partnership(tmp_path):
    partnership = PartnershipFactory(slug="leeds")
    exported = tmp_path / "york.yml"
    run("export_framework", str(york().pk), "--output", str(exported))
    out, _ = run(
        "load_framework", str(exported), "--title", "Leeds audit", "--partnership", "leeds"
    )

    loaded = Framework.objects.get(title="Leeds audit")
    assert "Loaded Leeds audit (version 1) as draft" in out
    assert loaded.status == Framework.Status.DRAFT
    assert loaded.partnership == partnership
    assert framework_to_data(loaded) == {**framework_to_data(york()), "title": "Leeds audit"}


def test_exported_yaml_reads_as_prose(tmp_path):
    exported = tmp_path / "york.yaml"
    run("export_framework", YORK_2020_TITLE, "--output", str(exported))
    text = exported.read_text(encoding="utf-8")
    # Paragraphs become block scalars, one paragraph per line, not "\n" escapes.
    assert "Room for Improvement: |" in text
    assert "\\n" not in text
    assert yaml.safe_load(text)["principles"][5]["number"] == 6


def test_the_shipped_york_file_is_what_the_database_holds(tmp_path):
    """The data migration and the load command read the same file."""
    from django.conf import settings

    shipped = json.loads(
        (settings.BASE_DIR / "principles" / "data" / "york_2020.json").read_text(encoding="utf-8")
    )
    assert framework_to_data(york()) == shipped


def bad_file(tmp_path):
    data = framework_to_data(york())
    data["title"] = "  "
    data["colour"] = "blue"
    data["levels"].append({"rank": 3, "name": "Outstanding"})
    del data["outcomes"][1]["name"]
    del data["principles"][2]["descriptors"]["Good"]
    data["principles"][3]["descriptors"]["Superb"] = "Made up"
    data["principles"][4]["number"] = 1
    data["principles"][5]["commitments"] = ["We do one thing", ""]
    del data["principles"][0]["indicator"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_bad_file_lists_every_problem_and_loads_nothing(tmp_path):
    path = bad_file(tmp_path)
    before = row_counts()
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_framework", str(path), "--publish", stdout=StringIO(), stderr=err)
    problems = err.getvalue().splitlines()
    expected = [
        "colour: not a field of a framework file",
        "title: must not be blank",
        "levels[3].rank: 3 is used more than once",
        "outcomes[1].name: missing",
        "principles[0].indicator: missing",
        "principles[2].descriptors['Good']: missing",
        "principles[3].descriptors['Superb']: not one of the levels",
        "principles[4].number: 1 is used more than once",
        "principles[5].commitments[1]: must be text and not blank",
        # The fourth level is a level too, so every principle lacks its descriptor.
        "principles[0].descriptors['Outstanding']: missing",
    ]
    for problem in expected:
        assert f"{path}: {problem}" in problems, problem
    assert row_counts() == before


def test_a_yaml_file_with_errors_is_reported_the_same_way(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("title: Tiny\nlevels: []\nprinciples:\n  - number: 0\n", encoding="utf-8")
    before = row_counts()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_framework", str(path), stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        f"{path}: levels: must be a list with at least one entry",
        f"{path}: outcomes: missing",
        f"{path}: principles[0].number: must be a whole number of 1 or more",
        f"{path}: principles[0].title: missing",
        f"{path}: principles[0].indicator: missing",
        f"{path}: principles[0].descriptors: missing",
    ]
    assert row_counts() == before


def test_an_existing_version_or_unknown_partnership_is_refused_before_writing(tmp_path):
    exported = tmp_path / "york.json"
    run("export_framework", YORK_2020_TITLE, "--output", str(exported))
    before = row_counts()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "load_framework",
            str(exported),
            "--partnership",
            "nowhere",
            stderr=err,
            stdout=StringIO(),
        )
    assert "--partnership: no partnership with the slug 'nowhere'" in err.getvalue()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_framework", str(exported), stderr=err, stdout=StringIO())
    assert "(version 1) already exists" in err.getvalue()
    assert row_counts() == before


def test_unreadable_files_are_refused(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON at line 1"):
        run("load_framework", str(broken))
    with pytest.raises(CommandError, match="use a .json, .yaml or .yml file"):
        run("load_framework", str(tmp_path / "framework.txt"))
    with pytest.raises(CommandError, match="No framework"):
        run("export_framework", "No such framework", "--output", str(tmp_path / "x.json"))
