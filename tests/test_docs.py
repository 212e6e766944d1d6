"""The documentation says what the code does.

* The API reference: every public name has an entry, and every parameter of every class and
  function on the reference pages is documented once, with a type, and with the default its
  signature has. The docstrings are parsed with griffe's numpy parser, the one mkdocstrings
  renders the pages with, so what is checked is what the pages show (a grouped entry such as
  ``a, b, c`` without a type, which once rendered one default for all three, fails here).
* The pages: every page is in the navigation, every question page opens with its answer, and
  the home page links every question page.
* The scope the pages state: images, sequences, token ids and masks train.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import itertools
import re
from pathlib import Path

import numpy as np
import pytest

griffe = pytest.importorskip("griffe")
yaml = pytest.importorskip("yaml")

import skweight  # noqa: E402
import skweight.datasets  # noqa: E402
import skweight.networks  # noqa: E402
from skweight.weighting.registry import REFERENCE_MARKER, reference_entries  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
ENTRY = re.compile(r"^:::\s*([\w.]+)", re.MULTILINE)
EMPTY = inspect.Parameter.empty
VARIADIC = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def _pages() -> dict[str, str]:
    """Every page's Markdown, with the registered strategies' entries where the build puts them."""
    entries = reference_entries()
    return {
        str(p.relative_to(DOCS)): p.read_text(encoding="utf-8").replace(REFERENCE_MARKER, entries)
        for p in sorted(DOCS.rglob("*.md"))
    }


def _import(path: str):
    """The object named by a dotted path (a module, or an attribute of one)."""
    try:
        return importlib.import_module(path)
    except ModuleNotFoundError:
        module, _, name = path.rpartition(".")
        return getattr(_import(module), name)


def _entries() -> list[str]:
    """Every ``::: path`` on the documentation pages, in page order."""
    return [path for text in _pages().values() for path in ENTRY.findall(text)]


@pytest.fixture(scope="module")
def package():
    return griffe.load(
        "skweight", search_paths=[str(ROOT)], docstring_parser="numpy", resolve_aliases=True
    )


def _griffe_object(package, obj):
    """griffe's view of a Python class or function (by where it is defined)."""
    path = f"{obj.__module__}.{obj.__qualname__}".removeprefix("skweight.")
    return package[path]


def _sections(gobj, kind: str) -> list:
    """A docstring section's entries as mkdocstrings renders them: what the docstring lacks,
    griffe fills in from the signature (defaults, and annotations)."""
    if gobj.docstring is None:
        return []
    parsed = gobj.docstring.parse("numpy")
    return [item for s in parsed if s.kind.value == kind for item in s.value]


def _stated_types(gobj, kind: str) -> dict[str, str]:
    """The type each entry's docstring itself states ("" if none), parsed without the
    signature that would fill a missing one in."""
    if gobj.docstring is None:
        return {}
    parsed = griffe.Docstring(gobj.docstring.value, parser="numpy").parse("numpy")
    return {
        item.name.lstrip("*"): str(item.annotation or "")
        for s in parsed
        if s.kind.value == kind
        for item in s.value
    }


def _documented_parameters(gobj, obj) -> list:
    """Parameters as mkdocstrings shows them (``merge_init_into_class``: the class's own
    section, else its ``__init__``'s; a dataclass documents its fields as attributes)."""
    for source, kind in [(gobj, "parameters"), (gobj.members.get("__init__"), "parameters"),
                         (gobj, "attributes")]:  # fmt: skip
        if source is None or (kind == "attributes" and not hasattr(obj, "__dataclass_fields__")):
            continue
        found = _sections(source, kind)
        if found:
            return found, _stated_types(source, kind)
    return [], {}


def _same_default(documented, actual) -> bool:
    text = str(documented)
    if text == repr(actual):
        return True
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return False
    try:
        return bool(value == actual) and type(value) is type(actual)
    except Exception:  # pragma: no cover - an odd __eq__
        return False


def _check(label, documented, stated, signature, complete):
    """What is wrong with ``documented`` (as rendered; ``stated``: the types the docstring
    gives) against ``signature``, as a list of sentences."""
    problems = []
    params = {name: p for name, p in signature.parameters.items() if name not in ("self", "cls")}
    names = [d.name.lstrip("*") for d in documented]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"{label}: {name!r} is documented more than once")
    for entry in documented:
        name = entry.name.lstrip("*")
        if name not in params:
            problems.append(f"{label}: documents {entry.name!r}, which is not in its signature")
            continue
        shown = str(entry.annotation or "").strip()
        if not stated.get(name):
            problems.append(f"{label}: {entry.name!r} has no type")
        elif shown.startswith("(") or " - " in shown:  # parsed as a tuple or a subtraction
            problems.append(f"{label}: {entry.name!r} has its type shown as {shown!r}")
        param = params[name]
        if param.kind in VARIADIC or not hasattr(entry, "default"):  # attributes show none
            continue
        if param.default is EMPTY:
            if entry.default is not None and str(entry.default) not in ("", "None"):
                problems.append(
                    f"{label}: {name!r} shows default {entry.default!s}; it is required"
                )
        elif not _same_default(entry.default, param.default):
            problems.append(
                f"{label}: {name!r} shows default {entry.default!s}; "
                f"the signature says {param.default!r}"
            )
    if complete:
        for name in params:
            if name not in names:
                problems.append(f"{label}: parameter {name!r} is not documented")
    return problems


def _api_objects():
    """(path, object) of every class and function with an entry on the pages."""
    seen = {}
    for path in _entries():
        obj = _import(path)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            seen.setdefault(path, obj)
    return list(seen.items())


def test_every_public_name_has_an_api_entry():
    entries = {id(_import(path)) for path in _entries()}
    missing = [
        name
        for name in skweight.__all__
        if not name.startswith("_") and id(getattr(skweight, name)) not in entries
    ]
    assert not missing, f"public names without an entry on the API pages: {missing}"


def test_api_reference_matches_the_signatures(package):
    problems = []
    objects = _api_objects()
    assert len(objects) >= 20, "the reference pages list fewer objects than expected"
    for path, obj in objects:
        gobj = _griffe_object(package, obj)
        documented, stated = _documented_parameters(gobj, obj)
        problems += _check(path, documented, stated, inspect.signature(obj), complete=True)
        if not inspect.isclass(obj):
            continue
        for name, member in vars(obj).items():  # public methods defined on the class
            if name.startswith("_") or name not in gobj.members:
                continue
            if isinstance(member, classmethod | staticmethod):
                member = member.__func__
            if not inspect.isfunction(member):
                continue
            method = gobj.members[name]
            method_doc = _sections(method, "parameters")
            if method_doc:
                stated = _stated_types(method, "parameters")
                signature = inspect.signature(member)
                problems += _check(f"{path}.{name}", method_doc, stated, signature, False)
    assert not problems, "the API reference disagrees with the code:\n" + "\n".join(problems)


WRONG = {
    "f": (
        '''def f(a, b=1, *, c="x"):
    """Parameters
    ----------
    a, b : int
    c
        No type.
    """''',
        # grouped entries lose the defaults of all but the first name
        ["f: 'b' shows default None; the signature says 1", "f: 'c' has no type"],
    ),
    "g": (
        '''def g(a, b=1):
    """Parameters
    ----------
    a : int
    b : int, default=2
    """''',
        ["g: 'b' shows default 2; the signature says 1"],
    ),
    "h": (
        '''def h(x, y=None):
    """Parameters
    ----------
    x : array-like
    y : None, int or str
    """''',
        [
            "h: 'x' has its type shown as 'array - like'",
            "h: 'y' has its type shown as '(None, int or str)'",
        ],
    ),
    "k": (
        '''def k(a, b):
    """Parameters
    ----------
    a : int
    """''',
        ["k: parameter 'b' is not documented"],
    ),
}


@pytest.mark.parametrize("name", sorted(WRONG))
def test_checks_catch_a_wrong_docstring(name):
    """The checks fail on the kinds of docstring the reference once rendered wrongly."""
    code, expected = WRONG[name]
    namespace = {}
    exec(code, namespace)  # the function, for inspect.signature
    with griffe.temporary_visited_module(code, docstring_parser="numpy") as module:
        gobj = module[name]
        documented = _sections(gobj, "parameters")
        stated = _stated_types(gobj, "parameters")
        signature = inspect.signature(namespace[name])
        assert _check(name, documented, stated, signature, complete=True) == expected


# ---------------------------------------------------------------------- pages


def _nav_files(nav) -> list[str]:
    files = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        files += _nav_files(value) if isinstance(value, list) else [value]
    return files


def _config() -> dict:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


def _question_pages() -> dict[str, str]:
    """Question pages: those the navigation lists under "Questions"."""
    for item in _config()["nav"]:
        if isinstance(item, dict) and "Questions" in item:
            return {next(iter(q.values())): next(iter(q)) for q in item["Questions"]}
    raise AssertionError("mkdocs.yml has no Questions section")


def test_every_page_is_in_the_navigation():
    assert sorted(_nav_files(_config()["nav"])) == sorted(_pages())


def test_question_pages_open_with_a_measured_answer():
    pages = _pages()
    questions = _question_pages()
    assert len(questions) >= 8
    for page in questions:
        lines = [line for line in pages[page].splitlines() if line.strip()]
        assert lines[0].startswith("# ") and lines[0].rstrip().endswith("?"), (
            f"{page}: the title must be the question"
        )
        assert lines[1] == '!!! success "Answer"', (
            f"{page}: the first thing after the title must be the answer"
        )
        answer = " ".join(itertools.takewhile(lambda line: line.startswith("    "), lines[2:]))
        assert "<!-- value: examples/" in answer, (
            f"{page}: the answer must quote a number its example printed at build time"
        )


def test_home_page_links_every_question():
    home = _pages()["index.md"]
    for page, title in _question_pages().items():
        assert f"]({page})" in home, f"index.md does not link {page}"
        assert title in home, f"index.md does not name the question {title!r}"


# ---------------------------------------------------------------------- scope


@pytest.mark.parametrize("shape", [(8, 4, 4, 1), (8, 5, 3)], ids=["images", "sequences"])
def test_stated_scope_images_and_sequences(shape):
    """docs/scope.md: images and sequences with one target per row train, the built-in
    network flattening each row."""
    X = np.random.default_rng(0).normal(size=shape).astype("float32")
    y = np.array([0, 1] * 4)
    for estimator in (skweight.WeightedKerasClassifier, skweight.WeightedKerasRegressor):
        fitted = estimator(hidden_layer_sizes=(4,), epochs=1).fit(X, y)
        assert fitted.X_shape_ == shape
        assert fitted.predict(X).shape == (8,)


def test_stated_scope_token_ids_and_masks():
    """docs/scope.md: integer token ids with a label per timestep, and masks with a label
    per pixel, train with a network for them; predict returns y's shape. A mask without a
    network (model=None) is refused, naming model=."""
    rng = np.random.default_rng(0)
    tokens, tags = rng.integers(0, 10, size=(8, 5)), rng.integers(0, 3, size=(8, 5))
    tagger = skweight.WeightedKerasClassifier(
        model=skweight.networks.sequence_tagger, model__vocabulary=10, epochs=1
    ).fit(tokens, tags)
    assert tagger.elementwise_ and tagger.predict(tokens).shape == (8, 5)
    X, masks = skweight.datasets.make_segmentation(8, 8, radius=1, random_state=0)
    segmenter = skweight.WeightedKerasClassifier(
        model=skweight.networks.small_unet, weighting="balanced", epochs=1
    ).fit(X, masks, sample_weight=np.ones(masks.shape))
    assert segmenter.predict(X).shape == masks.shape
    with pytest.raises(ValueError, match="model="):
        skweight.WeightedKerasClassifier(epochs=1).fit(X, masks)


def test_api_entries_link_a_guide_page():
    """Each public class and function says which guide page explains it, and the link works."""
    pages = set(_pages())
    problems = []
    for path, obj in _api_objects():
        doc = inspect.getdoc(obj) or ""
        links = re.findall(r"\]\(([\w-]+\.md)\)", doc)
        if "See also the guide page" not in doc or not links:
            problems.append(f"{path}: no 'See also the guide page ...' link")
        problems += [f"{path}: links {link}, no such page" for link in links if link not in pages]
    assert not problems, "\n".join(problems)


def test_guide_pages_link_the_api():
    api = {page for page in _pages() if page.startswith("api-")}
    for page in _question_pages():
        text = _pages()[page]
        assert any(f"]({a}" in text for a in api), f"{page} links no API reference page"


def test_gallery_shows_every_example():
    gallery = _pages()["examples.md"]
    for script in sorted((ROOT / "examples").glob("*.py")):
        assert f'--8<-- "examples/{script.name}"' in gallery, f"examples.md lacks {script.name}"
