"""York 2020 as stored says exactly what the York document says.

The expected texts are read here straight from the seed documents, with a parser of
their own, so a typo in principles/data/york_2020.json (or a lost page-break fragment)
fails. White space is normalised: paragraph breaks are layout, words are content.

Appendix 1 of seed 000 gives the titles, indicators and descriptors. The commitments of
principles 3 to 6 come from seed 000's "Our Six Core Principles" section; that cleaned text
lost principles 1 and 2 of the section, so theirs come from seed 001, the raw text of
the same document, which is checked to agree with seed 000 on the other four.
"""

import os
import re
from pathlib import Path

import pytest

from principles.models import YORK_2020_TITLE, Framework
from tests.conftest import IN_CI

# The seeds sit beside the repository, not in it; SEEDS_DIR points elsewhere if need be.
SEEDS = Path(os.environ.get("SEEDS_DIR") or Path(__file__).resolve().parents[3] / "shared/seeds")
CLEANED = SEEDS / "000_615985f3cb6f3624.txt"
RAW = SEEDS / "001_d74e979518e37fd7.txt"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _seeds_present():
    if CLEANED.exists() and RAW.exists():
        return
    if IN_CI:
        pytest.fail(f"The seed documents are required in CI; set SEEDS_DIR (looked in {SEEDS})")
    pytest.skip(f"The seed documents are not in {SEEDS}")


def words(text):
    return " ".join(text.split())


def without_tags(text):
    return re.sub(r"<[^>]+>", " ", text)


def appendix_table():
    """{number: {"title", "indicator", <level name>: text}} and the level names, from seed 000."""
    lines = CLEANED.read_text(encoding="utf-8").splitlines()
    header_at = next(i for i, line in enumerate(lines) if "Joint partnership Indicator" in line)
    header = [words(without_tags(cell)) for cell in lines[header_at].split("\t")]
    title_col = header.index("Principle")
    indicator_col = header.index("Joint partnership Indicator")
    level_headers = header[indicator_col + 1 : header.index("Score")]
    level_cols = {name: header.index(name) for name in level_headers}

    rows = {}
    current = None
    for line in lines[header_at + 1 :]:
        if line.startswith("## "):
            break
        if not line.strip() or re.fullmatch(r"[-\t ]+", line):
            continue
        cells = [words(without_tags(cell)) for cell in line.split("\t")]
        cells += [""] * (len(header) - len(cells))
        number = re.fullmatch(r"(\d+)\.", cells[0])
        if number:
            current = rows.setdefault(int(number.group(1)), {})
        else:
            # A row with no number carries on the row above across a page break.
            assert current is not None, f"continuation before any principle: {line!r}"
        fragments = {"title": cells[title_col], "indicator": cells[indicator_col]}
        fragments.update({name: cells[col] for name, col in level_cols.items()})
        for key, fragment in fragments.items():
            if fragment:
                current[key] = words(f"{current.get(key, '')} {fragment}")
    return rows, list(level_cols)


def overall_outcomes():
    text = CLEANED.read_text(encoding="utf-8")
    section = text.split("## Overall summary", 1)[1]
    names = [line.split("\t")[0].strip() for line in section.splitlines()[1:] if "\t" in line]
    return [name for name in names if name not in ("Outcome", "Name and Signature")]


def commitments_from_cleaned():
    """Principles 3 to 6: bold "**n. We ...**" headings, each commitment on its own line."""
    found = {}
    number = None
    for line in CLEANED.read_text(encoding="utf-8").splitlines():
        heading = re.fullmatch(r"\*\*(\d)\. (We .+)\*\*", line.strip())
        if heading:
            number = int(heading.group(1))
            found[number] = []
        elif number is not None and line.startswith("## "):
            break
        elif number is not None and line.strip():
            found[number].append(words(line))
    return found


def commitments_from_raw():
    """All six from the raw text, where lines wrap and a new commitment starts "We "."""
    text = RAW.read_text(encoding="utf-8")
    section = text.split("Our Six Core Principles of Joint Partnership \n", 1)[1]
    section = section.split("Measuring successful joint partnership", 1)[0]
    found = {}
    number = None
    in_title = False
    for line in section.splitlines():
        stripped = line.strip()
        heading = re.fullmatch(r"(\d)\. We .*", stripped)
        if heading:
            number = int(heading.group(1))
            found[number] = []
            in_title = True
        elif number is None or not stripped:
            continue
        elif stripped.startswith("We "):
            in_title = False
            found[number].append(stripped)
        elif not in_title:
            found[number][-1] = f"{found[number][-1]} {stripped}"
    return {n: [words(c) for c in items] for n, items in found.items()}


@pytest.fixture
def york():
    framework = Framework.objects.get(title=YORK_2020_TITLE, version=1, partnership=None)
    return framework


def test_york_2020_is_shared_published_and_cited(york):
    assert york.status == Framework.Status.PUBLISHED
    assert york.partnership is None
    assert "York's Model of Joint Partnership working (co-production)" in york.source
    assert "City of York Council and NHS Vale of York CCG" in york.source
    assert "September 2020" in york.source
    assert "Appendix 1" in york.source


def test_levels_and_outcomes_are_the_seed_scales(york):
    _, level_names = appendix_table()
    assert [(lv.rank, lv.name) for lv in york.levels.all()] == list(enumerate(level_names, start=1))
    assert level_names == ["Room for Improvement", "Good", "Excellent"]
    assert [(o.rank, o.name) for o in york.outcomes.all()] == list(
        enumerate(overall_outcomes(), start=1)
    )
    assert overall_outcomes() == ["Requires Improvement", "Good", "Outstanding"]


def test_titles_indicators_and_descriptors_match_appendix_1(york):
    seed, level_names = appendix_table()
    stored = {p.number: p for p in york.principles.prefetch_related("descriptors__level")}
    assert sorted(stored) == sorted(seed) == [1, 2, 3, 4, 5, 6]
    compared = 0
    for number, expected in seed.items():
        principle = stored[number]
        assert words(principle.title) == expected["title"], f"principle {number} title"
        assert words(principle.indicator) == expected["indicator"], f"principle {number} indicator"
        descriptors = {d.level.name: d.text for d in principle.descriptors.all()}
        assert sorted(descriptors) == sorted(level_names), f"principle {number} levels"
        for name in level_names:
            assert words(descriptors[name]) == expected[name], f"principle {number} {name}"
            compared += 1
    assert compared == 18


def test_page_break_fragments_are_joined_into_one_text(york):
    principles = {p.number: p for p in york.principles.prefetch_related("descriptors__level")}
    five = {d.level.name: words(d.text) for d in principles[5].descriptors.all()}
    six = {d.level.name: words(d.text) for d in principles[6].descriptors.all()}
    assert "processes of engagement were accessible but feedback" in five["Room for Improvement"]
    assert "planned in advance to ensure they are accessible to all" in five["Excellent"]
    assert "promote York as an accessible and inclusive city" in words(principles[5].indicator)
    assert "approach services to be involved and bring ideas." in six["Excellent"]
    assert six["Excellent"].endswith(
        "Cycle of continual feedback is evident throughout process. "
        "Creative solutions to potential organisational barriers."
    )


def test_commitments_match_our_six_core_principles(york):
    cleaned, raw = commitments_from_cleaned(), commitments_from_raw()
    assert sorted(cleaned) == [3, 4, 5, 6]
    for number in cleaned:
        assert raw[number] == cleaned[number], f"the two seeds disagree on principle {number}"
    expected = {**raw, **cleaned}
    stored = {p.number: [words(c) for c in p.commitment_list] for p in york.principles.all()}
    assert stored == expected
    assert sum(len(items) for items in stored.values()) == 17


def test_no_markup_is_stored(york):
    texts = [york.title, york.source]
    for principle in york.principles.prefetch_related("descriptors"):
        texts += [principle.title, principle.indicator, principle.commitments]
        texts += [d.text for d in principle.descriptors.all()]
    assert not [text for text in texts if re.search(r"<[^>]+>|\*\*", text)]
