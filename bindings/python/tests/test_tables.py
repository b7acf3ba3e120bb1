"""Every row of the code tables is reachable from Python, with the table's values
(pydantic-core's 'all errors covered' pattern): compared with crates/smtpcode/data/*.tsv."""

from typing import Dict

import pytest

import smtpcode

from conftest import TABLES, read_tsv

BASIC = {int(r[2]["code"]): r[2] for r in read_tsv(TABLES / "basic_codes.tsv", comments=False)}
ENHANCED = {r[2]["code"]: r[2] for r in read_tsv(TABLES / "enhanced_codes.tsv", comments=False)}


def _reason(field: str) -> "smtpcode.Reason | None":
    return smtpcode.Reason(field) if field else None


def test_basic_codes_are_the_table() -> None:
    assert [c.code for c in smtpcode.codes()] == sorted(BASIC)


@pytest.mark.parametrize("code", sorted(BASIC))
def test_basic_row(code: int) -> None:
    row: Dict[str, str] = BASIC[code]
    info = smtpcode.lookup(code)
    assert info is not None
    assert info == smtpcode.lookup(str(code)) == smtpcode.CodeInfo(code)
    assert info.code == code
    assert info.status == row["status"]
    assert info.name == row["name"]
    assert info.meaning == row["meaning"]
    assert info.explanation == row["explanation"]
    assert info.fix == row["fix"]
    assert info.reason == _reason(row["reason"])
    assert info.source == row["source"]
    assert info.note == row["note"]
    assert info.to_dict() == {
        "code": code,
        "status": row["status"],
        "name": row["name"],
        "meaning": row["meaning"],
        "explanation": row["explanation"],
        "fix": row["fix"],
        "reason": row["reason"] or None,
        "source": row["source"],
        "note": row["note"],
    }


def test_enhanced_codes_are_the_registry() -> None:
    assert [e.code for e in smtpcode.enhanced_codes()] == list(ENHANCED)


@pytest.mark.parametrize("code", list(ENHANCED))
def test_enhanced_row(code: str) -> None:
    row = ENHANCED[code]
    _, subject, detail = code.split(".")
    info = smtpcode.lookup_enhanced(int(subject), int(detail))
    assert info is not None
    assert info.code == code
    assert (info.subject, info.detail) == (int(subject), int(detail))
    assert info.title == row["title"]
    assert info.meaning == row["meaning"]
    assert info.basic_codes == row["basic_codes"]
    assert info.reason == _reason(row["reason"])
    assert info.source == row["source"]
    classes = tuple(int(c) for c in row["classes"].split(","))
    assert info.classes == classes
    assert info == smtpcode.EnhancedInfo(int(subject), int(detail))
    # Every class the registry allows finds the same row from text.
    for c in classes:
        assert smtpcode.lookup_enhanced("%d.%s.%s" % (c, subject, detail)) == info
    assert info.to_dict()["classes"] == list(classes)


def test_unknown_codes_are_none() -> None:
    unknown = [n for n in range(100, 1000) if n not in BASIC]
    assert unknown, "every three-digit number is in the table?"
    for n in unknown:
        assert smtpcode.lookup(n) is None
    assert smtpcode.lookup_enhanced("5.9.999") is None
    assert smtpcode.lookup_enhanced(9, 999) is None


def _command_json(*args: str) -> "list[dict[str, object]]":
    """The rows the `smtpcode` command prints with `--format json` (the core's serde form)."""
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "smtpcode", *args, "--format", "json"],
                         check=True, capture_output=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def test_to_dict_of_the_tables_is_the_commands_json() -> None:
    # CodeInfo.to_dict() lists its keys by hand: they must stay the core's serde form, which
    # `smtpcode codes` prints. EnhancedInfo.to_dict() adds subject, detail and classes.
    assert [c.to_dict() for c in smtpcode.codes()] == _command_json("codes")
    rows = _command_json("codes", "--enhanced")
    extra = {"subject", "detail", "classes"}
    got = [{k: v for k, v in e.to_dict().items() if k not in extra} for e in smtpcode.enhanced_codes()]
    assert got == rows
    assert len(rows) == len(ENHANCED)
