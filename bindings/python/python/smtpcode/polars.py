"""Polars: classify a Series, or an expression inside a query.

>>> import polars as pl, smtpcode.polars
>>> smtpcode.polars.classify_series(pl.Series(["550 5.1.1 User unknown"]))["reason"].to_list()
['mailbox_unknown']
>>> df = pl.DataFrame({"line": ["421 4.7.0 Try again later"]})
>>> df.with_columns(smtpcode.polars.classify("line").alias("c")).unnest("c")["bounce"].to_list()
['soft']

Polars reads ``classify_arrow``'s result through the Arrow PyCapsule interface, without
pyarrow. Needs polars (``pip install polars``).
"""

from typing import Optional, Union

import polars as pl

from . import Classifier, classify_arrow

__all__ = ["classify_series", "classify", "schema"]


def schema() -> pl.Struct:
    """The Polars type of one classification (the struct that ``classify`` gives)."""
    empty = classify_arrow(pl.Series([], dtype=pl.String))
    return pl.Struct(pl.DataFrame(empty).schema)


def classify_series(
    series: pl.Series,
    *,
    command: Optional[str] = None,
    threads: Optional[int] = None,
    classifier: Optional[Classifier] = None,
) -> pl.DataFrame:
    """Classifies every value of a String or Binary Series (nulls give rows of nulls):
    a DataFrame with one column per field, one row per value."""
    return pl.DataFrame(
        classify_arrow(series, command=command, threads=threads, classifier=classifier)
    )


def classify(
    expr: Union[str, pl.Expr],
    *,
    command: Optional[str] = None,
    threads: Optional[int] = None,
    classifier: Optional[Classifier] = None,
) -> pl.Expr:
    """An expression (``map_batches``) that classifies a column of replies into a struct
    column; ``.struct.unnest()``, or ``DataFrame.unnest``, spreads it into columns."""
    if isinstance(expr, str):
        expr = pl.col(expr)

    def run(s: pl.Series) -> pl.Series:
        out = classify_arrow(s, command=command, threads=threads, classifier=classifier)
        return pl.Series(s.name, pl.DataFrame(out).to_struct())

    return expr.map_batches(run, return_dtype=schema())
