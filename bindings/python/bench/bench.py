"""Benchmark of the Python package on real diagnostic lines (not a test).

    python bindings/python/bench/bench.py [--corpus PATH] [--seconds S]

Reads the ``input`` column of the shared corpus (``../shared/corpus/sisimai-dev.tsv`` beside
the repository by default; nothing is copied into the repository) and measures, in one run:

* ``smtpcode.classify`` per call (str input, the usual case; bytes too; and a bare "550",
  which shows the fixed cost of a call);
* ``smtpcode.classify_many`` per reply (default threads, and ``threads=1``);
* a straightforward pure-Python classifier doing the same work: a dict of codes plus a list
  of compiled regexes over the same phrases (built at run time from the core crate's data
  files: basic and enhanced code tables, reasons, and the phrase rules of ``rules.tsv``).

Targets (issue 5): classify <= 1 us per call, classify_many >= 2 M replies/s, and both
>= 20x the pure-Python classifier. Each figure is the median of ``--rounds`` rounds.
"""

import argparse
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import smtpcode

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / "crates" / "smtpcode" / "data"


def read_tsv(path: Path) -> List[Dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        lines = [line.rstrip("\r\n") for line in f if line.strip()]
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:] if not line.startswith("#")]


class PurePython:
    """The baseline: what a bounce processor would write by hand in Python.

    A regex finds the reply code and the enhanced code; phrase rules (compiled regexes, in
    rules.tsv order) decide the reason, else the enhanced code's table row, else the basic
    code's row; the reason's row gives bounce, action and retry for the outcome.
    """

    CODE = re.compile(r"(?:^|[\s;:#('\"])([2-5]\d\d)(?=[\s\-:;,'\")>]|$)")
    ENHANCED = re.compile(r"(?:^|[\s;:#(\[\-'\"])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.A-Za-z])")
    OUTCOMES = {"2": "success", "3": "intermediate", "4": "transient", "5": "permanent"}

    def __init__(self) -> None:
        self.basic: Dict[int, str] = {
            int(r["code"]): r["reason"] for r in read_tsv(DATA / "basic_codes.tsv") if r["reason"]
        }
        self.enhanced: Dict[Tuple[int, int], str] = {}
        for r in read_tsv(DATA / "enhanced_codes.tsv"):
            if r["reason"]:
                _, s, d = r["code"].split(".")
                self.enhanced[(int(s), int(d))] = r["reason"]
        self.reasons = {r["reason"]: r for r in read_tsv(DATA / "reasons.tsv")}
        # Each rule: (reason, [alternative: [compiled term, ...]]), provider and phrase tiers
        # first, then the generic words, as the core's precedence has it.
        self.rules: List[Tuple[str, List[List["re.Pattern[str]"]]]] = []
        generic = []
        for r in read_tsv(DATA / "rules.tsv"):
            if not r.get("reason"):
                continue
            alternatives = [
                [self._term(t) for t in alt.split("&&")] for alt in r["pattern"].split("||")
            ]
            (generic if r["tier"] == "generic" else self.rules).append((r["reason"], alternatives))
        self.rules += generic

    @staticmethod
    def _term(term: str) -> "re.Pattern[str]":
        """A term of the rule language as a regex, the way one would write it by hand: the
        words in order with separators between them, `word*` as a prefix, `~N` as up to N
        more words, `<kind>` as any token, groups and `?` as they are (negations left out)."""
        term = term.strip()
        if term.startswith('"'):
            return re.compile(re.escape(term.strip('"').lower()))
        term = re.sub(r"!\([^)]*\)|!\S+", "", term)
        out = []
        for token in re.findall(r"~\d|<\w+>|[()|?]|[^\s()|?]+", term):
            if token.startswith("~"):
                out.append(r"(?:\w+\W+){0,%s}" % token[1:])
            elif token.startswith("<"):
                out.append(r"\S+\W+")
            elif token in "()|?":
                out.append({"(": "(?:", ")": ")", "|": "|", "?": "?"}[token])
            else:
                word = re.escape(token.rstrip("*")) + (r"\w*" if token.endswith("*") else "")
                out.append("(?:" + word + r"\W*)")
        return re.compile("".join(out))

    def classify(self, reply: str) -> Dict[str, object]:
        m = self.CODE.search(reply)
        code = int(m.group(1)) if m else None
        e = self.ENHANCED.search(reply)
        enhanced = (int(e.group(1)), int(e.group(2)), int(e.group(3))) if e else None
        text = " ".join(reply.lower().split())
        reason: Optional[str] = None
        for rule_reason, alternatives in self.rules:
            if any(all(t.search(text) for t in alt) for alt in alternatives):
                reason = rule_reason
                break
        if reason is None and enhanced is not None:
            reason = self.enhanced.get(enhanced[1:])
        if reason is None and code is not None:
            reason = self.basic.get(code)
        digit = str(code)[0] if code is not None else (str(enhanced[0]) if enhanced else None)
        outcome = self.OUTCOMES.get(digit or "", "unknown")
        if outcome in ("success", "intermediate"):
            return {"code": code, "outcome": outcome, "bounce": "none", "reason": "none",
                    "action": "none", "retry": False}
        row = self.reasons[reason or "undetermined"]
        kind = "permanent" if outcome == "permanent" else "transient"
        return {
            "code": code,
            "enhanced": "%d.%d.%d" % enhanced if enhanced else None,
            "outcome": outcome,
            "bounce": row[kind + "_bounce"],
            "reason": reason or "undetermined",
            "action": row[kind + "_action"],
            "retry": row[kind + "_retry"] == "true",
        }


def per_item(run: Callable[[], int], seconds: float, rounds: int) -> float:
    """Median seconds per item of ``run`` (which returns how many items it did)."""
    results = []
    for _ in range(rounds):
        done = 0
        start = time.perf_counter()
        while True:
            done += run()
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        results.append(elapsed / done)
    return statistics.median(results)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path,
                    default=REPO.parent / "shared" / "corpus" / "sisimai-dev.tsv")
    ap.add_argument("--seconds", type=float, default=1.0, help="time per round (default 1)")
    ap.add_argument("--rounds", type=int, default=5, help="rounds per figure (default 5)")
    args = ap.parse_args()
    if not args.corpus.exists():
        print("no corpus at %s (use --corpus)" % args.corpus, file=sys.stderr)
        return 2
    lines = [r["input"] for r in read_tsv(args.corpus)]
    raw = [line.encode("utf-8") for line in lines]
    batch = lines * max(1, 20000 // len(lines))
    smtpcode.warm_up()
    pure = PurePython()
    classify, classify_many = smtpcode.classify, smtpcode.classify_many

    def loop_str() -> int:
        for line in lines:
            classify(line)
        return len(lines)

    def loop_bytes() -> int:
        for line in raw:
            classify(line)
        return len(raw)

    short = ["550"] * 1000

    def loop_short() -> int:
        for line in short:
            classify(line)
        return len(short)

    def many_default() -> int:
        return len(classify_many(batch))

    def many_one_thread() -> int:
        return len(classify_many(batch, threads=1))

    def loop_pure() -> int:
        for line in lines:
            pure.classify(line)
        return len(lines)

    s, r = args.seconds, args.rounds
    t_str = per_item(loop_str, s, r)
    t_bytes = per_item(loop_bytes, s, r)
    t_short = per_item(loop_short, s, r)
    t_many = per_item(many_default, s, r)
    t_many1 = per_item(many_one_thread, s, r)
    t_pure = per_item(loop_pure, s, r)
    agree = sum(
        pure.classify(line)["reason"] == classify(line).reason.value for line in lines
    ) / len(lines)

    def mark(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    print("smtpcode %s on CPython %s (%s), %d cores; %d corpus lines (mean %.0f chars) from %s"
          % (smtpcode.__version__, platform.python_version(), platform.machine(),
             os.cpu_count() or 1, len(lines), sum(map(len, lines)) / len(lines), args.corpus))
    print("median of %d rounds of %.1f s each" % (r, s))
    print()
    print("%-44s %12s %14s  %s" % ("", "per reply", "replies/s", "target"))
    rows = [
        ("classify(str), per call", t_str, "<= 1 us: %s" % mark(t_str <= 1e-6)),
        ("classify(bytes), per call", t_bytes, ""),
        ('classify("550"), per call (the fixed cost)', t_short, ""),
        ("classify_many(list of %d str), per reply" % len(batch), t_many,
         ">= 2 M/s: %s" % mark(1 / t_many >= 2e6)),
        ("classify_many(..., threads=1), per reply", t_many1, ""),
        ("pure-Python dict + %d regex rules, per call" % len(pure.rules), t_pure, ""),
    ]
    for name, t, target in rows:
        print("%-44s %9.0f ns %12.2f M  %s" % (name, t * 1e9, 1 / t / 1e6, target))
    print()
    print("speed-up over pure Python: classify %.1fx (%s), classify_many %.1fx (%s)"
          % (t_pure / t_str, mark(t_pure / t_str >= 20), t_pure / t_many,
             mark(t_pure / t_many >= 20)))
    print("(the pure-Python baseline agrees with smtpcode on the reason of %.0f%% of lines)"
          % (agree * 100))
    return 0


if __name__ == "__main__":
    sys.exit(main())
