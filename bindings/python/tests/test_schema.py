"""The JSON Schemas in ``schema/`` (generated from the Rust types by schemars, checked for drift
by ``crates/smtpcode/tests/schema.rs``) describe what every face gives: ``to_dict()`` of the
Python records and the command's JSON lines are validated against them here.

Needs the ``jsonschema`` package (``bindings/python/test.sh`` installs it); without it the
module is skipped.
"""

import json
import os
import subprocess
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

import smtpcode
from conftest import CLASSIFY_FILES, GOLDEN, REPO, read_tsv, unescape

jsonschema = pytest.importorskip("jsonschema", reason="the jsonschema package is not installed")

SCHEMAS = REPO / "schema"
BOUNCES = sorted((GOLDEN / "bounces").glob("*.eml"))
LOGS = sorted(p for p in (GOLDEN / "logs").iterdir() if p.suffix not in (".tsv", ".md"))


def validator(name: str) -> Any:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def check(v: Any, instance: Dict[str, Any], where: str) -> None:
    errors = sorted(v.iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, "%s: %s" % (where, "; ".join(
        "%s: %s" % ("/".join(map(str, e.path)), e.message) for e in errors[:5]))


def golden_inputs() -> Iterator[bytes]:
    for name in CLASSIFY_FILES:
        for _, _, case in read_tsv(GOLDEN / name):
            yield unescape(case["input"])


def test_classification_to_dict_follows_its_schema() -> None:
    v = validator("classification.schema.json")
    n = 0
    for raw in golden_inputs():
        check(v, smtpcode.classify(raw).to_dict(), repr(raw))
        n += 1
    assert n > 100


def test_the_schema_rejects_what_is_not_a_classification() -> None:
    v = validator("classification.schema.json")
    good = smtpcode.classify("550 5.1.1 User unknown").to_dict()
    for key, bad in [("bounce", "maybe"), ("code", 99), ("enhanced", "5.1"), ("retry", "yes"),
                     ("provider", "no-such-provider")]:
        assert not v.is_valid(dict(good, **{key: bad})), key
    missing = dict(good)
    del missing["reason"]
    assert not v.is_valid(missing)


@pytest.mark.parametrize("path", BOUNCES, ids=lambda p: p.name)
def test_bounce_report_to_dict_follows_its_schema(path: Path) -> None:
    report = smtpcode.parse_bounce(path.read_bytes())
    check(validator("bounce-report.schema.json"), report.to_dict(), path.name)
    recipient = validator("bounce-recipient.schema.json")
    for r in report.recipients:
        check(recipient, r.to_dict(), path.name)


def test_log_events_and_suppressions_follow_their_schemas() -> None:
    event = validator("log-event.schema.json")
    events: List[smtpcode.LogEvent] = []
    for path in LOGS:
        for e in smtpcode.read_log(path, year=2025):
            check(event, e.to_dict(), "%s:%d" % (path.name, e.line))
            events.append(e)
    assert len(events) > 20
    suppression = validator("suppression.schema.json")
    entries = smtpcode.suppression_list(events)
    assert entries
    for s in entries:
        check(suppression, s.to_dict(), s.address)


BIN = os.environ.get("SMTPCODE_BIN")


@pytest.mark.skipif(not BIN, reason="SMTPCODE_BIN is not set (bindings/python/test.sh sets it)")
def test_the_command_json_follows_the_schemas() -> None:
    """The command's records add their own keys (file, line, input...) around the same
    fields; the schemas allow other keys, so each record is checked against its record's
    schema."""
    assert BIN
    replies = b"\n".join(golden_inputs()).replace(b"\r", b" ")
    for args, stdin, schema, least in [
        (["classify"], replies, "classification.schema.json", 100),
        (["logs", *map(str, LOGS)], b"", "log-event.schema.json", 20),
    ]:
        out = subprocess.run([BIN, *args, "--format", "json"], input=stdin,
                             capture_output=True, check=False).stdout
        v = validator(schema)
        lines = out.decode().splitlines()
        assert len(lines) > least, args
        for line in lines:
            check(v, json.loads(line), line[:80])
