"""DuckDB: ``smtpcode_classify(text)`` as an Arrow UDF for SQL.

>>> import duckdb, smtpcode.duckdb
>>> con = duckdb.connect()
>>> smtpcode.duckdb.register(con)
>>> con.sql("SELECT smtpcode_classify('550 5.1.1 User unknown').reason").fetchall()
[('mailbox_unknown',)]

The function receives whole Arrow columns (``type='arrow'``), classifies them with
``classify_arrow`` and returns a STRUCT with the fields of ``CLASSIFICATION_COLUMNS``.
Needs duckdb and pyarrow (``pip install duckdb pyarrow``).
"""

from typing import Any, Optional

import duckdb
import pyarrow as pa  # type: ignore[import-untyped,import-not-found,unused-ignore]

from . import Classifier, classify_arrow
from ._columns import CLASSIFICATION_COLUMNS, decoded

__all__ = ["register"]

_SQL_TYPES = {"uint16": "USMALLINT", "string": "VARCHAR", "bool": "BOOLEAN"}


def register(
    con: "duckdb.DuckDBPyConnection",
    name: str = "smtpcode_classify",
    *,
    command: Optional[str] = None,
    classifier: Optional[Classifier] = None,
) -> None:
    """Registers the scalar function ``name(VARCHAR) -> STRUCT(code USMALLINT, enhanced
    VARCHAR, outcome VARCHAR, ... rule VARCHAR)`` on the connection. NULL in gives NULL
    fields."""

    def udf(values: Any) -> Any:
        batch = pa.record_batch(classify_arrow(values, command=command, classifier=classifier))
        return pa.StructArray.from_arrays(
            [decoded(c) for c in batch.columns], names=batch.schema.names
        )

    struct = duckdb.struct_type({n: _SQL_TYPES[t] for n, t in CLASSIFICATION_COLUMNS})
    # (DuckDB's stubs want its enums for type= and null_handling=; it takes the strings too.)
    create: Any = con.create_function
    create(name, udf, ["VARCHAR"], struct, type="arrow", null_handling="special", side_effects=False)
