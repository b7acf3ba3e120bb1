"""smtpcode.spark.classify on a real Spark cluster: a local cluster of two executor JVMs
(`local-cluster[2,1,1024]`), over a Parquet file of a million lines (997,735 distinct)
(`../shared/corpus/make_lines.py ../shared/corpus/sisimai-dev.tsv 1000000 OUT`); every row of the
written result is checked against classify(). Also the README's Spark example and the errors.

Heavy, so it runs once: only with $SMTPCODE_SPARK set (test.sh's Spark step). It installs
pyspark with pip when it is missing, and a headless Java runtime from Debian when `java` is
missing (as root, with apt-get); it is skipped, saying why, only when no Java can be had."""

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

import smtpcode
from smtpcode._columns import CLASSIFICATION_COLUMNS

from conftest import REPO

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("SMTPCODE_SPARK"),
        reason="the Spark test runs once, in test.sh's Spark step ($SMTPCODE_SPARK=1)",
    ),
    # PySpark warns about the pandas version at import; nothing here uses pandas.
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

LINES = 1_000_000
CORPUS = REPO.parent / "shared" / "corpus"


def ensure_java() -> None:
    if shutil.which("java"):
        return
    why = "no `java`"
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        done = subprocess.run(
            "apt-get update -qq && apt-get install -y -qq --no-install-recommends default-jre-headless",
            shell=True, env=env, capture_output=True, text=True,
        )
        if done.returncode == 0 and shutil.which("java"):
            return
        why += " and apt-get could not install default-jre-headless: " + done.stderr[-500:]
    else:
        why += " and no apt-get as root to install default-jre-headless"
    pytest.skip("Spark needs a Java runtime: " + why)


def ensure_pyspark() -> Any:
    try:
        import pyspark  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "pyspark"], check=True)
        import pyspark  # type: ignore[import-untyped,import-not-found,unused-ignore]
    return pyspark


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    ensure_java()
    ensure_pyspark()
    from pyspark.sql import SparkSession  # type: ignore[import-untyped,import-not-found,unused-ignore]

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local-cluster[2,1,1024]")
        .appName("smtpcode-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.files.maxPartitionBytes", str(16 << 20))
        .config("spark.executorEnv.PYTHONHASHSEED", "0")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def lines_parquet(tmp_path_factory: pytest.TempPathFactory, corpus_lines: List[str]) -> Path:
    """The million lines (target/lines-1m.txt, as the Rust bench writes it, made when
    missing) as a Parquet file with an id column."""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq  # type: ignore[import-untyped,import-not-found,unused-ignore]

    text = REPO / "target" / "lines-1m.txt"
    if not text.exists() and (CORPUS / "make_lines.py").exists():
        text.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, str(CORPUS / "make_lines.py"), str(CORPUS / "sisimai-dev.tsv"),
             str(LINES), str(text) + ".part"],
            check=True,
        )
        os.replace(str(text) + ".part", text)
    if text.exists():
        lines = text.read_text(encoding="utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
    else:
        # No shared corpus beside the repository (a bare clone): a million distinct lines
        # from the golden cases, each with its own queue id.
        golden = [line for line in corpus_lines if "\n" not in line and "\r" not in line]
        lines = [f"{golden[i % len(golden)]} (queue {i:07X})" for i in range(LINES)]
    assert len(lines) == LINES
    out = tmp_path_factory.mktemp("spark") / "lines.parquet"
    pq.write_table(pa.table({"id": pa.array(range(LINES), pa.int64()), "line": lines}), out,
                   row_group_size=100_000)
    return out


def expected_columns(lines: List[Optional[str]]) -> Dict[str, List[Any]]:
    """The classification columns as classify() gives them, the way Spark stores them."""
    cs = [None if v is None else smtpcode.classify(v) for v in lines]

    def col(f: Any) -> List[Any]:
        return [None if c is None else f(c) for c in cs]

    return {
        "code": col(lambda c: c.code),
        "enhanced": col(lambda c: c.enhanced),
        "outcome": col(lambda c: c.outcome.value),
        "bounce": col(lambda c: c.bounce.value),
        "reason": col(lambda c: c.reason.value),
        "action": col(lambda c: c.action.value),
        "command": col(lambda c: c.command.value if c.command else None),
        "provider": col(lambda c: c.provider),
        "provider_code": col(lambda c: c.provider_code),
        "retry": col(lambda c: c.retry),
        "outcome_inferred": col(lambda c: c.outcome_inferred),
        "basis": col(lambda c: c.basis.value),
        "rule": col(lambda c: c.rule),
    }


def test_a_million_lines_on_two_executors(spark: Any, lines_parquet: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq  # type: ignore[import-untyped,import-not-found,unused-ignore]
    import smtpcode.spark

    assert spark.sparkContext._jsc.sc().getExecutorMemoryStatus().size() == 3  # driver + 2
    df = spark.read.parquet(str(lines_parquet))
    assert df.rdd.getNumPartitions() >= 2
    out = smtpcode.spark.classify(df, "line")
    assert out.columns == ["id", "line"] + [n for n, _ in CLASSIFICATION_COLUMNS]
    out.write.parquet(str(tmp_path / "out.parquet"))
    got = pq.read_table(tmp_path / "out.parquet").sort_by("id")
    assert got.num_rows == LINES
    assert got.column("id").to_pylist() == list(range(LINES))
    lines = got.column("line").to_pylist()
    assert lines == pq.read_table(lines_parquet).column("line").to_pylist()
    for name, values in expected_columns(lines).items():
        assert got.column(name).to_pylist() == values, name


def test_readme_example_and_options(spark: Any, tmp_path: Path, corpus_lines: List[str]) -> None:
    import pyarrow as pa  # type: ignore[import-untyped,import-not-found,unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-untyped,import-not-found,unused-ignore]
    import smtpcode.spark

    from test_at_scale import blocks, delivery

    data = delivery(corpus_lines)
    pq.write_table(pa.table(data), tmp_path / "delivery.parquet")
    # Spark resolves relative paths against the JVM's directory, not Python's.
    code = blocks()["spark"]
    for name in ("delivery.parquet", "classified.parquet"):
        assert '"%s"' % name in code
        code = code.replace('"%s"' % name, repr(str(tmp_path / name)))
    exec(compile(code, "README.md", "exec"), {})
    got = pq.read_table(tmp_path / "classified.parquet")
    order = {r: i for i, r in enumerate(data["recipient"])}
    got = got.take(sorted(range(got.num_rows), key=lambda i: order[got.column("recipient")[i].as_py()]))
    assert got.column("diagnostic").to_pylist() == data["diagnostic"]
    for name, values in expected_columns(data["diagnostic"]).items():
        assert got.column(name).to_pylist() == values, name

    # Binary columns, a prefix, a command and user rules.
    c = smtpcode.Classifier(text="id\tpattern\treason\nsite.quota\tmailbox quota reached\tmailbox_full\n")
    df = spark.createDataFrame([(b"452 mailbox quota reached",), (None,)], "raw binary")
    row, null = smtpcode.spark.classify(df, "raw", prefix="smtp_", command="rcpt", classifier=c).collect()
    assert row["smtp_rule"] == "site.quota" and row["smtp_command"] == "rcpt" and row["smtp_code"] == 452
    assert null["smtp_rule"] is None

    df = spark.createDataFrame([(1, "550 x")], "n int, reason string")
    with pytest.raises(smtpcode.SmtpCodeError, match="already has columns named reason"):
        smtpcode.spark.classify(df, "reason")
    with pytest.raises(smtpcode.InvalidTypeError, match="not int"):
        smtpcode.spark.classify(df, "n", prefix="x_")
    with pytest.raises(smtpcode.SmtpCodeError, match="no column 'line'"):
        smtpcode.spark.classify(df, "line")
