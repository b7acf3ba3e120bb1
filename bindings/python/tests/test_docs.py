"""Runtime docstrings: `help(smtpcode.classify)` says what the stub says.

The stub `smtpcode/_smtpcode.pyi` documents the API; every function of the module must carry
the same words at run time (an overloaded function: its overloads' docstrings, in order,
separated by a blank line). Classes and their members must at least have a docstring.
"""

import ast
import inspect
import pathlib
from typing import Dict, List

import pytest

import smtpcode
import smtpcode._smtpcode as native

STUB = pathlib.Path(native.__file__).with_name("_smtpcode.pyi")
TREE = ast.parse(STUB.read_text(encoding="utf-8"))


def _stub_functions() -> Dict[str, str]:
    docs: Dict[str, List[str]] = {}
    for node in TREE.body:
        if isinstance(node, ast.FunctionDef):
            doc = ast.get_docstring(node)
            if doc:
                docs.setdefault(node.name, []).append(doc)
    return {name: "\n\n".join(parts) for name, parts in docs.items()}


FUNCTIONS = _stub_functions()
CLASSES = [n for n in TREE.body if isinstance(n, ast.ClassDef) and hasattr(native, n.name)]


def test_the_stub_documents_every_function() -> None:
    assert {"classify", "classify_many", "parse", "parse_bounce", "lookup", "lookup_enhanced",
            "codes", "enhanced_codes", "warm_up"} <= set(FUNCTIONS)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_function_docstring_is_the_stubs(name: str) -> None:
    runtime = inspect.getdoc(getattr(native, name))
    assert runtime == FUNCTIONS[name]


def test_help_shows_the_signature_and_the_words() -> None:
    text = pydoc_text(smtpcode.classify)
    assert "classify(reply, *, command=None)" in text
    assert "bytearray" in text and "command" in text


def pydoc_text(obj: object) -> str:
    import pydoc

    return pydoc.render_doc(obj, renderer=pydoc.plaintext)  # type: ignore[attr-defined]


@pytest.mark.parametrize("cls", CLASSES, ids=[c.name for c in CLASSES])
def test_classes_and_members_have_docstrings(cls: ast.ClassDef) -> None:
    runtime = getattr(native, cls.name)
    assert inspect.getdoc(runtime), cls.name
    for node in cls.body:
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
            continue
        member = getattr(runtime, node.name, None)
        assert member is not None, "%s.%s" % (cls.name, node.name)
        assert inspect.getdoc(member), "%s.%s has no docstring at run time" % (cls.name, node.name)
