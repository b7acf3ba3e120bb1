"""The classification columns of ``classify_arrow``, as the SQL engines declare them.

The dictionary columns (outcome, bounce, reason, action, command, provider, basis) become
plain strings there; ``code`` becomes a signed integer where the engine has no unsigned one.
"""

from typing import Any, Tuple

#: The columns of ``classify_arrow``, in order, with a portable type name each:
#: ``"uint16"``, ``"string"`` or ``"bool"``.
CLASSIFICATION_COLUMNS: Tuple[Tuple[str, str], ...] = (
    ("code", "uint16"),
    ("enhanced", "string"),
    ("outcome", "string"),
    ("bounce", "string"),
    ("reason", "string"),
    ("action", "string"),
    ("command", "string"),
    ("provider", "string"),
    ("provider_code", "string"),
    ("retry", "bool"),
    ("outcome_inferred", "bool"),
    ("basis", "string"),
    ("rule", "string"),
)


def decoded(column: Any, integer: Any = None) -> Any:
    """A pyarrow column of ``classify_arrow``'s result as a plain one: a dictionary as its
    strings, and ``code`` cast to ``integer`` (a pyarrow type) when one is given."""
    import pyarrow as pa  # type: ignore[import-untyped,import-not-found,unused-ignore]

    if pa.types.is_dictionary(column.type):
        return column.dictionary_decode()
    if integer is not None and pa.types.is_unsigned_integer(column.type):
        return column.cast(integer)
    return column
