"""pandas: classify a Series of replies into a DataFrame with Arrow-backed dtypes.

>>> import pandas as pd, smtpcode.pandas
>>> df = smtpcode.pandas.classify_series(pd.Series(["550 5.1.1 User unknown", None]))
>>> df["reason"].tolist()
['mailbox_unknown', <NA>]

Needs pandas and pyarrow (``pip install pandas pyarrow``).
"""

from typing import Any, Optional

import pandas as pd  # type: ignore[import-untyped,import-not-found,unused-ignore]
import pyarrow as pa  # type: ignore[import-untyped,import-not-found,unused-ignore]

from . import Classifier, InvalidTypeError, classify_arrow

__all__ = ["classify_series"]


def classify_series(
    series: "pd.Series[Any]",
    *,
    command: Optional[str] = None,
    threads: Optional[int] = None,
    classifier: Optional[Classifier] = None,
) -> pd.DataFrame:
    """Classifies every value of a Series of replies (str or bytes; None and NaN are null)
    with ``classify_arrow``: returns a DataFrame with its index and one column per field
    (``code``, ``enhanced``, ``outcome``... ``rule``), each of an ``pd.ArrowDtype``.

    A Series already backed by Arrow is read without a copy; other Series are converted to
    Arrow first. A Series of anything but text raises InvalidTypeError."""
    if not isinstance(series, pd.Series):
        raise InvalidTypeError(
            "classify_series() takes a pandas.Series, not %s" % type(series).__name__
        )
    try:
        values = pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
        raise InvalidTypeError(
            "classify_series() takes a Series of str or bytes (dtype %s): %s" % (series.dtype, e)
        ) from e
    batch = pa.record_batch(
        classify_arrow(values, command=command, threads=threads, classifier=classifier)
    )
    frame = batch.to_pandas(types_mapper=pd.ArrowDtype)
    frame.index = series.index
    return frame
