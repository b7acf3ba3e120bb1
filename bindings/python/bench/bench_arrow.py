"""Benchmark of classify_arrow and smtpcode.spark on a million lines (not a test).

    python bindings/python/bench/bench_arrow.py [--lines FILE] [--rounds N] [--no-spark]

The lines are ``../shared/corpus/make_lines.py ../shared/corpus/sisimai-dev.tsv 1000000 OUT``
(``target/lines-1m.txt``, as ``cargo bench -p smtpcode --bench lines`` writes it; made when
missing), stored once as ``target/lines-1m.parquet`` (columns id, line). Measured in one run:

* the baseline: the core crate's ``classify`` over every line, one thread, nothing built
  (``smtpcode._smtpcode._classify_rust_loop``, the loop of ``benches/lines.rs`` over the same
  Arrow column, in this process);
* ``classify_arrow`` with ``threads=1`` and with every core: targets >= 0.8x and >= 1.6x the
  baseline's rate (on two cores). Each figure is the best of ``--rounds``, taken in turns;
* the peak memory of ``classify_arrow`` over the million rows, in a fresh process that read
  the Parquet file with pyarrow: the growth of the peak resident set (VmHWM, reset through
  /proc/self/clear_refs) during the call, next to the size of the result's buffers. Target:
  at most the result plus 10 %;
* Spark (pyspark, Java): ``smtpcode.spark.classify`` on a local cluster of two executors
  (``local-cluster[2,1,1024]``) next to a plain Python UDF calling ``classify`` per row and
  returning the same columns, both written to Spark's ``noop`` sink; target >= 10x. Next to
  them, Spark's own share: the same ``mapInArrow`` job, same rows, schema and column sizes,
  whose batches get one classification repeated instead of classifying (``pa.repeat``), so
  its rate is the most any classifier could reach in this job on this machine; and, on
  Spark 4.1 or later, ``classify_arrow`` in a scalar ``arrow_udf`` (only the classified
  column goes to Python and back, the other columns stay in the JVM).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO.parent / "shared" / "corpus"


def lines_parquet(text: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not text.exists():
        print("writing %s with make_lines.py" % text, flush=True)
        text.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(CORPUS / "make_lines.py"), str(CORPUS / "sisimai-dev.tsv"),
                        "1000000", str(text)], check=True)
    out = text.with_suffix(".parquet")
    if not out.exists() or out.stat().st_mtime < text.stat().st_mtime:
        lines = text.read_text(encoding="utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        pq.write_table(pa.table({"id": pa.array(range(len(lines)), pa.int64()), "line": lines}), out,
                       row_group_size=100_000)
    return out


def vm(field: str) -> int:
    """A field of /proc/self/status, in bytes."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def memory_child(parquet: str, threads: str) -> None:
    """Run in a fresh process: prints the call's peak growth and the result's size (JSON)."""
    import pyarrow.parquet as pq
    import smtpcode

    column = pq.read_table(parquet, columns=["line"]).column("line")
    smtpcode.classify_arrow(column.slice(0, 20_000), threads=None if threads == "all" else int(threads))
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the current resident set
    before = vm("VmRSS")
    result = smtpcode.classify_arrow(column, threads=None if threads == "all" else int(threads))
    peak = vm("VmHWM") - before
    batch = result.to_pyarrow()
    print(json.dumps({"rows": batch.num_rows, "peak": peak, "result": batch.get_total_buffer_size(),
                      "input": column.nbytes}))


def speed(parquet: Path, rounds: int) -> Dict[str, float]:
    import pyarrow.parquet as pq
    import smtpcode

    column = pq.read_table(parquet, columns=["line"]).column("line")
    n = len(column)
    smtpcode.classify_arrow(column.slice(0, 20_000), threads=1)
    smtpcode.classify_arrow(column.slice(0, 20_000))
    best = {"rust": float("inf"), "arrow1": float("inf"), "arrowN": float("inf")}
    for _ in range(rounds):
        best["rust"] = min(best["rust"], smtpcode._smtpcode._classify_rust_loop(column, 1))
        for key, threads in (("arrow1", 1), ("arrowN", None)):
            t = time.perf_counter()
            out = smtpcode.classify_arrow(column, threads=threads)
            best[key] = min(best[key], time.perf_counter() - t)
            assert len(out) == n
            del out
    return {k: n / v for k, v in best.items()}


def spark_rates(parquet: Path, rounds: int) -> Dict[str, float]:
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    import warnings

    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    from pyspark.sql import SparkSession  # type: ignore[import-untyped,import-not-found,unused-ignore]
    from pyspark.sql import functions as F  # type: ignore[import-untyped,import-not-found,unused-ignore]

    import pyarrow as pa
    import smtpcode
    import smtpcode.spark
    from smtpcode._columns import decoded

    spark = (SparkSession.builder.master("local-cluster[2,1,1024]").appName("smtpcode-bench")
             .config("spark.ui.enabled", "false")
             .config("spark.sql.files.maxPartitionBytes", str(16 << 20))
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.read.parquet(str(parquet))
    n = df.count()
    fields = smtpcode.spark.schema()

    def per_row(line: Any) -> Any:
        if line is None:
            return None
        c = smtpcode.classify(line)
        return (c.code, c.enhanced, c.outcome.value, c.bounce.value, c.reason.value, c.action.value,
                c.command.value if c.command else None, c.provider, c.provider_code, c.retry,
                c.outcome_inferred, c.basis.value, c.rule)

    # Spark 4 runs Python UDFs over Arrow batches by default (still one Python call per row);
    # useArrow=False is the classic pickled UDF. Both are measured.
    udf = F.udf(per_row, fields)
    pickled = F.udf(per_row, fields, useArrow=False)
    out_schema = smtpcode.spark.classify(df, "line").schema
    one = pa.record_batch(smtpcode.classify_arrow(pa.array(["550 5.1.1 <a@example.com>: user unknown"])))
    values = [decoded(c, pa.int32())[0] for c in one.columns]
    names = out_schema.fieldNames()

    def repeated(batches: Any) -> Any:
        for batch in batches:
            added = [pa.repeat(v, batch.num_rows) for v in values]
            yield pa.RecordBatch.from_arrays(list(batch.columns) + added, names=names)

    def as_struct(v: pa.Array) -> pa.Array:
        result = pa.record_batch(smtpcode.classify_arrow(v))
        return pa.StructArray.from_arrays([decoded(c, pa.int32()) for c in result.columns],
                                          names=result.schema.names)

    jobs = {
        "mapInArrow": lambda: smtpcode.spark.classify(df, "line"),
        "spark_only": lambda: df.mapInArrow(repeated, out_schema),
        "python_udf": lambda: df.select("*", udf("line").alias("c")).select("id", "line", "c.*"),
        "pickled_udf": lambda: df.select("*", pickled("line").alias("c")).select("id", "line", "c.*"),
    }
    if hasattr(F, "arrow_udf"):  # Spark >= 4.1: a scalar UDF over Arrow arrays
        column_udf = F.arrow_udf(as_struct, fields)
        jobs["arrow_udf"] = lambda: df.select("*", column_udf("line").alias("c")).select("id", "line", "c.*")
    best = {k: float("inf") for k in jobs}
    for _ in range(rounds):
        for key, job in jobs.items():
            t = time.perf_counter()
            job().write.format("noop").mode("overwrite").save()
            best[key] = min(best[key], time.perf_counter() - t)
    spark.stop()
    return {k: n / v for k, v in best.items()}


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--memory-child":
        memory_child(sys.argv[2], sys.argv[3])
        return
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lines", type=Path, default=REPO / "target" / "lines-1m.txt")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--no-spark", action="store_true")
    args = p.parse_args()
    parquet = lines_parquet(args.lines)
    load = " ".join(open("/proc/loadavg").read().split()[:3])
    print("%s; %d cores; load average %s" % (parquet, os.cpu_count() or 0, load))

    rates = speed(parquet, args.rounds)
    rust = rates["rust"]
    print("%-44s %8.3f M lines/s" % ("core classify, one thread (baseline)", rust / 1e6))
    print("%-44s %8.3f M lines/s  %.2fx (target >= 0.8x)" % ("classify_arrow, threads=1", rates["arrow1"] / 1e6, rates["arrow1"] / rust))
    print("%-44s %8.3f M lines/s  %.2fx (target >= 1.6x on 2 cores)" % ("classify_arrow, every core", rates["arrowN"] / 1e6, rates["arrowN"] / rust))

    for threads in ("1", "all"):
        out = subprocess.run([sys.executable, __file__, "--memory-child", str(parquet), threads],
                             check=True, capture_output=True, text=True)
        m = json.loads(out.stdout)
        print("%-44s %8.1f MB peak growth; result %.1f MB; %.3fx the result (target <= 1.10); input %.1f MB (not copied)"
              % ("memory, threads=%s" % threads, m["peak"] / 1e6, m["result"] / 1e6, m["peak"] / m["result"], m["input"] / 1e6))

    if not args.no_spark:
        s = spark_rates(parquet, max(1, args.rounds - 1))
        print("\n%-44s %8.3f M rows/s" % ("Spark: smtpcode.spark.classify (mapInArrow)", s["mapInArrow"] / 1e6))
        print("%-44s %8.3f M rows/s" % ("Spark: Python UDF per row (Arrow-optimized)", s["python_udf"] / 1e6))
        print("%-44s %8.3f M rows/s" % ("Spark: Python UDF per row (pickled rows)", s["pickled_udf"] / 1e6))
        print("%-44s %8.1fx, %.1fx (target >= 10x)" % ("Spark: mapInArrow / those UDFs", s["mapInArrow"] / s["python_udf"], s["mapInArrow"] / s["pickled_udf"]))
        if "arrow_udf" in s:
            print("%-44s %8.3f M rows/s  %.1fx, %.1fx" % ("Spark: classify_arrow in an arrow_udf (4.1+)", s["arrow_udf"] / 1e6, s["arrow_udf"] / s["python_udf"], s["arrow_udf"] / s["pickled_udf"]))
        print("%-44s %8.3f M rows/s" % ("Spark alone: same job, no classification", s["spark_only"] / 1e6))
        print("%-44s %8.1fx, %.1fx" % ("Spark alone / those UDFs (the ceiling)", s["spark_only"] / s["python_udf"], s["spark_only"] / s["pickled_udf"]))


if __name__ == "__main__":
    main()
