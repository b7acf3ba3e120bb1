"""The Python examples of the README (the blocks marked `test-python`) run as written: the
webhook example against stub callbacks, the smtplib example against a small SMTP server on
127.0.0.1 that refuses some recipients, the bounce example on a fixture of tests/data/bounces."""

import contextlib
import io
import shutil
import re
import socket
import socketserver
import threading
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest

import smtpcode

from conftest import GOLDEN, REPO

README = REPO / "README.md"
BLOCK = re.compile(r"<!-- test-python[^>]*-->\s*```python\n(.*?)```", re.S)


def blocks() -> List[str]:
    return BLOCK.findall(README.read_text(encoding="utf-8"))


def test_readme_has_the_examples() -> None:
    found = blocks()
    assert len(found) >= 3, "README.md lost its test-python examples"
    assert any("on_bounce" in b for b in found) and any("smtplib" in b for b in found)
    assert any("parse_bounce" in b for b in found)


def test_bounce_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (code,) = [b for b in blocks() if "parse_bounce" in b]
    shutil.copy(GOLDEN / "bounces" / "postfix-dsn.eml", tmp_path / "bounce.eml")
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    assert out.getvalue() == (
        "jane@example.com 5.1.1 hard mailbox_unknown suppress\n"
        "full@example.net 4.2.2 soft mailbox_full retry\n"
    )


def test_webhook_example() -> None:
    calls: List[Tuple[str, Tuple[Any, ...]]] = []

    def record(name: str) -> Any:
        return lambda *args: calls.append((name, args))

    namespace: Dict[str, Any] = {
        name: record(name) for name in ("suppress", "alert", "retry_later", "save")
    }
    (code,) = [b for b in blocks() if "on_bounce" in b]
    exec(compile(code, "README.md", "exec"), namespace)
    assert [name for name, _ in calls] == ["suppress", "save"]
    assert calls[0][1] == ("jane@example.com",)

    calls.clear()
    namespace["on_bounce"]({"recipient": "a@b.c", "message_id": "m",
                            "diagnostic": "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred"})
    assert [name for name, _ in calls] == ["retry_later", "save"]


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib.sendmail: replies come from the server's `replies`."""

    timeout = 10

    def handle(self) -> None:
        replies: Dict[str, str] = self.server.replies  # type: ignore[attr-defined]

        def send(*lines: str) -> None:
            self.wfile.write("".join(line + "\r\n" for line in lines).encode())

        send("220 mx.example.com ESMTP")
        while True:
            line = self.rfile.readline().decode("utf-8", "replace").strip()
            if not line:
                return
            verb = line.split(" ", 1)[0].split(":", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                send("250-mx.example.com", "250 8BITMIME")
            elif verb == "MAIL":
                send(replies.get("MAIL", "250 2.1.0 OK"))
            elif verb == "RCPT":
                address = line[line.index("<") + 1 : line.index(">")]
                send(replies.get(address, "250 2.1.5 OK"))
            elif verb == "DATA":
                send("354 End data with <CR><LF>.<CR><LF>")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                send(replies.get("DATA", "250 2.0.0 OK queued"))
            elif verb == "QUIT":
                send("221 2.0.0 Bye")
                return
            else:
                send("250 2.0.0 OK")


@contextlib.contextmanager
def smtp_server(replies: Dict[str, str]) -> Iterator[Tuple[str, int]]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPHandler)
    server.daemon_threads = True
    server.replies = replies  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield str(host), int(port)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


JANE = "550 5.1.1 <jane@example.com>: Recipient address rejected: User unknown in virtual mailbox table"


def test_smtplib_example() -> None:
    (code,) = [b for b in blocks() if "smtplib" in b]
    out = io.StringIO()
    with smtp_server({"jane@example.com": JANE}) as (host, port):
        namespace: Dict[str, Any] = {"HOST": host, "PORT": port}
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), namespace)
    assert out.getvalue() == "jane@example.com hard mailbox_unknown suppress\n"
    send = namespace["send"]
    message = b"Subject: hi\r\n\r\nhello\r\n"

    # Every recipient refused: smtplib raises SMTPRecipientsRefused.
    full = "452 4.2.2 <bob@example.net>: Mailbox full"
    with smtp_server({"jane@example.com": JANE, "bob@example.net": full}) as (host, port):
        result = send(host, port, "news@example.org", ["jane@example.com", "bob@example.net"], message)
    assert result["jane@example.com"] == smtpcode.classify(JANE, command="rcpt")
    assert result["bob@example.net"] == smtpcode.classify(full, command="rcpt")
    assert result["bob@example.net"].retry is True

    # The message refused after DATA: SMTPDataError, one classification for all.
    spam = "554 5.7.1 Message rejected as spam"
    with smtp_server({"DATA": spam}) as (host, port):
        result = send(host, port, "news@example.org", ["jane@example.com"], message)
    assert result == {"jane@example.com": smtpcode.classify(spam)}

    with smtp_server({}) as (host, port):
        assert send(host, port, "news@example.org", ["jane@example.com"], message) == {}

    # Nothing listens on the port: ConnectionRefusedError, a transient network_error for all.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    result = send("127.0.0.1", port, "news@example.org", ["jane@example.com", "bob@example.net"], message)
    assert set(result) == {"jane@example.com", "bob@example.net"}
    for c in result.values():
        assert c.reason is smtpcode.Reason.NETWORK_ERROR
        assert c.outcome is smtpcode.Outcome.TRANSIENT and c.retry is True
        assert c.command is smtpcode.Command.CONNECT

def test_log_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The log example prints the bounced recipients and the suppression list of a Postfix
    log, as tests/data/logs/expected.tsv (checked by the Rust suite) says they are."""
    (code,) = [b for b in blocks() if "read_log" in b]
    shutil.copy(GOLDEN / "logs" / "postfix.log", tmp_path / "maillog")
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    lines = [
        line.split("\t")
        for line in (GOLDEN / "logs" / "expected.tsv").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    head, body = lines[0], [dict(zip(lines[0], r)) for r in lines[1:]]
    assert "recipient" in head
    mine = [r for r in body if r["file"] == "postfix.log"]
    bounced = ["%s %s" % (r["recipient"], r["reason"]) for r in mine if r["status"] == "bounced"]
    hard: Dict[str, int] = {}
    reasons: Dict[str, str] = {}
    for r in mine:
        if r["bounce"] == "hard" and r["status"] != "rejected":
            a = r["recipient"].lower()
            hard[a] = hard.get(a, 0) + 1
            reasons[a] = r["reason"]
    suppress = ["%s %d %s" % (a, hard[a], reasons[a]) for a in sorted(hard)]
    assert bounced and suppress
    assert out.getvalue().splitlines() == bounced + suppress
