"""Frameworks as files: the JSON or YAML shape `export_framework` writes and `load_framework` reads.

The shape is the one principles/data/york_2020.json uses:

    title, version (optional), source, outcome_rule,
    levels: [{rank, name}], outcomes: [{rank, name}],
    principles: [{number, title, commitments: [...], indicator,
                  descriptors: {<level name>: text}}]

A file is checked in full before anything is written, so a person fixing a file sees
every problem at once, each with its place in the file.
"""

import json
from pathlib import Path

import yaml

from .models import Framework

FORMATS = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}
TOP_LEVEL_FIELDS = {
    "title",
    "version",
    "source",
    "outcome_rule",
    "levels",
    "outcomes",
    "principles",
}
PRINCIPLE_FIELDS = {"number", "title", "commitments", "indicator", "descriptors"}
SCALE_FIELDS = {"rank", "name"}
OUTCOME_RULE_FIELDS = {"top_for_best", "bottom_for_worst"}
TITLE_MAX = Framework._meta.get_field("title").max_length
NAME_MAX = 100


class FrameworkFileError(Exception):
    """A file that cannot be read at all (wrong extension, not JSON or YAML)."""


def file_format(path):
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise FrameworkFileError(f"{path}: use a .json, .yaml or .yml file")
    return FORMATS[suffix]


def read_file(path):
    """The parsed contents of a framework file."""
    kind = file_format(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise FrameworkFileError(f"{path}: {error.strerror}") from error
    try:
        if kind == "json":
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as error:
        raise FrameworkFileError(
            f"{path}: not valid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from error
    except yaml.YAMLError as error:
        raise FrameworkFileError(f"{path}: not valid YAML: {error}") from error


class _BlockStyleDumper(yaml.SafeDumper):
    """Writes texts with several paragraphs as YAML block scalars, so they read as prose."""


def _represent_str(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockStyleDumper.add_representer(str, _represent_str)


def write_file(data, path):
    kind = file_format(path)
    if kind == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = yaml.dump(
            data, Dumper=_BlockStyleDumper, sort_keys=False, allow_unicode=True, width=100
        )
    Path(path).write_text(text, encoding="utf-8")


def framework_to_data(framework):
    """Everything needed to rebuild `framework` elsewhere; status and owner are not content."""
    levels = list(framework.levels.all())
    principles = framework.principles.prefetch_related("descriptors__level")
    return {
        "title": framework.title,
        "version": framework.version,
        "source": framework.source,
        "outcome_rule": dict(framework.outcome_rule or {}),
        "levels": [{"rank": level.rank, "name": level.name} for level in levels],
        "outcomes": [
            {"rank": outcome.rank, "name": outcome.name} for outcome in framework.outcomes.all()
        ],
        "principles": [
            {
                "number": principle.number,
                "title": principle.title,
                "commitments": principle.commitment_list,
                "indicator": principle.indicator,
                "descriptors": {
                    descriptor.level.name: descriptor.text
                    for descriptor in sorted(
                        principle.descriptors.all(), key=lambda d: d.level.rank
                    )
                },
            }
            for principle in principles
        ],
    }


def _is_text(value):
    return isinstance(value, str) and value.strip() != ""


def _is_whole_number(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _check_unknown(errors, place, mapping, allowed):
    prefix = f"{place}." if place else ""
    for key in mapping:
        if key not in allowed:
            errors.append(f"{prefix}{key}: not a field of a framework file")


def _check_text(errors, place, mapping, key, *, max_length=None, required=True):
    if key not in mapping:
        if required:
            errors.append(f"{place}: missing")
        return
    value = mapping[key]
    if not isinstance(value, str):
        errors.append(f"{place}: must be text")
    elif required and not value.strip():
        errors.append(f"{place}: must not be blank")
    elif max_length and len(value) > max_length:
        errors.append(f"{place}: at most {max_length} characters")


def _check_scale(errors, data, key):
    """Levels and outcomes: ranked names, each rank and name used once."""
    items = data.get(key)
    if key not in data:
        errors.append(f"{key}: missing")
        return []
    if not isinstance(items, list) or not items:
        errors.append(f"{key}: must be a list with at least one entry")
        return []
    seen_ranks, seen_names, names = set(), set(), []
    for index, item in enumerate(items):
        place = f"{key}[{index}]"
        if not isinstance(item, dict):
            errors.append(f"{place}: must be a mapping with rank and name")
            continue
        _check_unknown(errors, place, item, SCALE_FIELDS)
        rank = item.get("rank")
        if "rank" not in item:
            errors.append(f"{place}.rank: missing")
        elif not _is_whole_number(rank):
            errors.append(f"{place}.rank: must be a whole number of 1 or more")
        elif rank in seen_ranks:
            errors.append(f"{place}.rank: {rank} is used more than once")
        else:
            seen_ranks.add(rank)
        _check_text(errors, f"{place}.name", item, "name", max_length=NAME_MAX)
        name = item.get("name")
        if _is_text(name):
            if name in seen_names:
                errors.append(f"{place}.name: {name!r} is used more than once")
            seen_names.add(name)
            names.append(name)
    return names


def _check_principle(errors, place, item, level_names, seen_numbers):
    if not isinstance(item, dict):
        errors.append(f"{place}: must be a mapping")
        return
    _check_unknown(errors, place, item, PRINCIPLE_FIELDS)
    number = item.get("number")
    if "number" not in item:
        errors.append(f"{place}.number: missing")
    elif not _is_whole_number(number):
        errors.append(f"{place}.number: must be a whole number of 1 or more")
    elif number in seen_numbers:
        errors.append(f"{place}.number: {number} is used more than once")
    else:
        seen_numbers.add(number)
    _check_text(errors, f"{place}.title", item, "title")
    _check_text(errors, f"{place}.indicator", item, "indicator")

    commitments = item.get("commitments", [])
    if not isinstance(commitments, list):
        errors.append(f"{place}.commitments: must be a list of texts")
    else:
        for index, commitment in enumerate(commitments):
            where = f"{place}.commitments[{index}]"
            if not _is_text(commitment):
                errors.append(f"{where}: must be text and not blank")
            elif "\n" in commitment.strip():
                # Commitments are stored one per line.
                errors.append(f"{where}: must be one line")

    descriptors = item.get("descriptors")
    if "descriptors" not in item:
        errors.append(f"{place}.descriptors: missing")
        return
    if not isinstance(descriptors, dict):
        errors.append(f"{place}.descriptors: must be a mapping of level name to text")
        return
    for name in level_names:
        where = f"{place}.descriptors[{name!r}]"
        if name not in descriptors:
            errors.append(f"{where}: missing")
        elif not _is_text(descriptors[name]):
            errors.append(f"{where}: must be text and not blank")
    for name in descriptors:
        if name not in level_names:
            errors.append(f"{place}.descriptors[{name!r}]: not one of the levels")


def validate_framework_data(data):
    """Every problem with `data` as a framework file, each prefixed with its place."""
    if not isinstance(data, dict):
        return ["file: must be a mapping with title, levels, outcomes and principles"]
    errors = []
    _check_unknown(errors, "", data, TOP_LEVEL_FIELDS)
    _check_text(errors, "title", data, "title", max_length=TITLE_MAX)
    if "version" in data and not _is_whole_number(data["version"]):
        errors.append("version: must be a whole number of 1 or more")
    _check_text(errors, "source", data, "source", required=False)

    rule = data.get("outcome_rule", {})
    if not isinstance(rule, dict):
        errors.append("outcome_rule: must be a mapping")
    else:
        _check_unknown(errors, "outcome_rule", rule, OUTCOME_RULE_FIELDS)
        for key in OUTCOME_RULE_FIELDS & set(rule):
            if not _is_whole_number(rule[key]):
                errors.append(f"outcome_rule.{key}: must be a whole number of 1 or more")

    level_names = _check_scale(errors, data, "levels")
    _check_scale(errors, data, "outcomes")

    principles = data.get("principles")
    if "principles" not in data:
        errors.append("principles: missing")
    elif not isinstance(principles, list) or not principles:
        errors.append("principles: must be a list with at least one principle")
    else:
        seen_numbers = set()
        for index, item in enumerate(principles):
            _check_principle(errors, f"principles[{index}]", item, level_names, seen_numbers)
    return errors
