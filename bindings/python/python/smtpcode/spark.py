"""PySpark: classify a column of a DataFrame on the executors, with ``mapInArrow``.

>>> import smtpcode.spark
>>> df = spark.read.parquet("s3://logs/delivery/")                    # doctest: +SKIP
>>> out = smtpcode.spark.classify(df, "diagnostic")                   # doctest: +SKIP
>>> out.groupBy("reason").count().show()                              # doctest: +SKIP

Each executor's Python worker gets the rows as Arrow batches, classifies each batch with
``classify_arrow`` (no Python object per row) and returns the input columns plus the
classification columns. smtpcode (this wheel) and pyarrow must be installed where the
executors run Python: see the README's "At scale" section for YARN and Kubernetes.
"""

from typing import TYPE_CHECKING, Any, Iterator, Optional

from . import Classifier, InvalidTypeError, SmtpCodeError, classify_arrow
from ._columns import CLASSIFICATION_COLUMNS, decoded

if TYPE_CHECKING:
    from pyspark.sql import DataFrame  # type: ignore[import-untyped,import-not-found,unused-ignore]
    from pyspark.sql.types import StructType  # type: ignore[import-untyped,import-not-found,unused-ignore]

__all__ = ["classify", "schema"]


def schema(prefix: str = "") -> "StructType":
    """The Spark type of the classification columns (``code`` as an int: Spark has no
    unsigned types), named with ``prefix`` before each name."""
    from pyspark.sql.types import BooleanType, IntegerType, StringType, StructField, StructType  # type: ignore[import-untyped,import-not-found,unused-ignore]

    kinds = {"uint16": IntegerType(), "string": StringType(), "bool": BooleanType()}
    return StructType(
        [StructField(prefix + name, kinds[kind], True) for name, kind in CLASSIFICATION_COLUMNS]
    )


def classify(
    df: "DataFrame",
    column: str,
    *,
    prefix: str = "",
    command: Optional[str] = None,
    threads: int = 1,
    classifier: Optional[Classifier] = None,
) -> "DataFrame":
    """``df`` with the classification of ``column`` (a string or binary column of replies)
    added as columns (``code``, ``enhanced``, ``outcome``... ``rule``, each named with
    ``prefix`` first), computed by ``DataFrame.mapInArrow`` on the executors; nothing is
    computed until an action runs. The rows keep their partitions and order.

    ``threads`` is per Python worker: Spark already runs one task per core, so the default
    is 1. ``classifier`` (user rules) is pickled to the executors with the function.

    Raises InvalidTypeError when the column is not a string or binary column, and
    SmtpCodeError when it does not exist or an added name is already a column."""
    from pyspark.sql.types import BinaryType, StringType, StructType  # type: ignore[import-untyped,import-not-found,unused-ignore]

    if column not in df.columns:
        raise SmtpCodeError(
            "smtpcode.spark.classify(): no column %r (the columns: %s)"
            % (column, ", ".join(df.columns))
        )
    kind = df.schema[column].dataType
    if not isinstance(kind, (StringType, BinaryType)):
        raise InvalidTypeError(
            "smtpcode.spark.classify() takes a string or binary column, not %s (%r)"
            % (kind.simpleString(), column)
        )
    added = schema(prefix)
    clash = sorted(set(df.columns) & set(added.fieldNames()))
    if clash:
        raise SmtpCodeError(
            "smtpcode.spark.classify(): the DataFrame already has columns named %s; give a "
            "prefix= for the new ones" % ", ".join(clash)
        )
    out_schema = StructType(df.schema.fields + added.fields)
    index = df.columns.index(column)
    names = out_schema.fieldNames()

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa  # type: ignore[import-untyped,import-not-found,unused-ignore]

        for batch in batches:
            result = pa.record_batch(
                classify_arrow(
                    batch.column(index), command=command, threads=threads, classifier=classifier
                )
            )
            columns = list(batch.columns) + [decoded(c, pa.int32()) for c in result.columns]
            yield pa.RecordBatch.from_arrays(columns, names=names)

    return df.mapInArrow(run, out_schema)
