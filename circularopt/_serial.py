"""Dataclasses to plain JSON-ready data and back, driven by fields and type hints.

:func:`to_data` writes a dataclass as a dict of its fields in declaration order: nested
dataclasses become dicts, tuples and lists become lists, mappings dicts, enums their
value. :func:`from_data` reads it back using the field types (``tuple[X, ...]``, fixed
tuples, ``Mapping[K, V]``, ``X | None``, nested dataclasses, enums; other values pass
through unchanged and the class validates them). A nested class that defines
``to_dict``/``from_dict`` is written and read by them. A :class:`Spec` renames or skips
fields, adds computed keys, fixes the key order and writes non-finite floats as ``null``.

Malformed data raises :class:`~circularopt.exceptions.InputError` naming the place
(``where``, e.g. ``collection_points[3].lat``), the value and what is expected.
"""

from __future__ import annotations

import dataclasses
import enum
import math
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import MISSING, dataclass, field
from typing import Any, TypeVar

from circularopt.exceptions import InputError

__all__ = ["Spec", "from_data", "plain", "to_data"]

T = TypeVar("T")

_JSON_KEYS = (str, int, float, bool, type(None))


@dataclass(frozen=True, kw_only=True)
class Spec:
    """How one dataclass is written and read, where it differs from its fields.

    Parameters
    ----------
    rename
        Field name -> JSON key.
    skip
        Fields not written (read back as their default).
    computed
        Extra keys written from the object (e.g. a total); ignored when read.
    order
        Keys written first, in this order (the others follow in field order).
    none_as
        Float fields written as ``null`` when not finite, and read from ``null`` as the
        given value (JSON has no infinity).
    ignore_unknown
        Ignore keys that name no field (else they are refused).
    omit_default
        Fields not written while they equal their default (read back as it), so that
        files written before a field existed write back as they were read.
    """

    rename: Mapping[str, str] = field(default_factory=dict)
    skip: frozenset[str] = frozenset()
    computed: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    order: Sequence[str] = ()
    none_as: Mapping[str, float] = field(default_factory=dict)
    ignore_unknown: bool = False
    omit_default: frozenset[str] = frozenset()


_DEFAULT = Spec()
Specs = Mapping[type, Spec]


# --------------------------------------------------------------------------- writing


def plain(value: Any, specs: Specs | None = None) -> Any:
    """``value`` as JSON-ready data: dataclasses, mappings, sequences and sets recursed."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        to_dict = getattr(value, "to_dict", None)
        if callable(to_dict) and type(value) not in (specs or {}):
            return to_dict()
        return to_data(value, specs=specs)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {k if isinstance(k, _JSON_KEYS) else str(k): plain(v, specs)
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, specs) for v in value]
    if isinstance(value, set | frozenset):
        return [plain(v, specs) for v in sorted(value)]
    return value


def to_data(obj: Any, spec: Spec | None = None, *, specs: Specs | None = None
            ) -> dict[str, Any]:
    """The dataclass ``obj`` as a JSON-ready dict (see the module docstring).

    Parameters
    ----------
    obj
        A dataclass instance.
    spec
        How to write ``obj`` itself (default: its fields as they are).
    specs
        How to write nested dataclasses, by class.
    """
    spec = spec or (specs or {}).get(type(obj), _DEFAULT)
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        if f.name in spec.skip:
            continue
        value = getattr(obj, f.name)
        if f.name in spec.omit_default and value == _default(f):
            continue
        if f.name in spec.none_as and isinstance(value, float) and not math.isfinite(value):
            value = None
        out[spec.rename.get(f.name, f.name)] = plain(value, specs)
    for key, compute in spec.computed.items():
        out[key] = plain(compute(obj), specs)
    if spec.order:
        first = {k: out[k] for k in spec.order if k in out}
        out = {**first, **{k: v for k, v in out.items() if k not in first}}
    return out


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return f.default


# --------------------------------------------------------------------------- reading


_Layout = tuple[dict[str, dataclasses.Field[Any]], list[str], dict[str, Any]]
_LAYOUTS: dict[Any, _Layout] = {}


def _layout(cls: type, spec: Spec) -> _Layout:
    """The JSON keys of ``cls`` written with ``spec`` (key -> field), the required keys
    and each key's type hint (cached)."""
    token = (cls, tuple(sorted(spec.rename.items())), spec.skip)
    if token not in _LAYOUTS:
        hints = typing.get_type_hints(cls)
        keys = {spec.rename.get(f.name, f.name): f for f in dataclasses.fields(cls)
                if f.name not in spec.skip}
        required = [k for k, f in keys.items()
                    if f.default is MISSING and f.default_factory is MISSING]
        _LAYOUTS[token] = keys, required, {k: hints[f.name] for k, f in keys.items()}
    return _LAYOUTS[token]


def from_data(cls: type[T], data: Any, where: str = "", spec: Spec | None = None, *,
              specs: Specs | None = None, lenient: bool = False) -> T:
    """Rebuild the dataclass ``cls`` from :func:`to_data` output.

    Parameters
    ----------
    cls
        The dataclass.
    data
        A mapping of its fields (an instance of ``cls`` is returned as is).
    where
        Where the data sits, for error messages (empty: at the top).
    spec
        How ``cls`` itself was written.
    specs
        How nested dataclasses were written, by class.
    lenient
        Pass a value of the wrong shape (a text where a list belongs) on to the class,
        whose own checks then refuse it, rather than refusing it here.

    Raises
    ------
    InputError
        When the data has the wrong shape or the class refuses a value.
    """
    ctx = _Ctx(specs or {}, lenient)
    return _dataclass(cls, data, where, spec or ctx.specs.get(cls, _DEFAULT), ctx)


@dataclass(frozen=True)
class _Ctx:
    specs: Specs
    lenient: bool

    def wrong(self, where: str, data: Any, expected: str) -> Any:
        """``data`` as it is (lenient) or an InputError: it is not ``expected``."""
        if self.lenient:
            return data
        shown = data if isinstance(data, _JSON_KEYS) else type(data).__name__
        raise InputError(where, shown, expected)


def _read(tp: Any, data: Any, where: str, ctx: _Ctx) -> Any:
    """A value of the type hint ``tp`` from plain data."""
    kind, args = _KINDS.get(tp) or _classify(tp)
    if kind == "scalar":
        if ctx.lenient:
            return data
        kinds, words = _SCALARS[tp]
        if isinstance(data, bool) != (tp is bool) or not isinstance(data, kinds):
            return ctx.wrong(where, data, words)
        return data
    if kind == "dataclass":
        from_dict = getattr(tp, "from_dict", None)
        if tp not in ctx.specs and callable(from_dict) and not isinstance(data, tp):
            return _nested(from_dict, data, where)
        return _dataclass(tp, data, where, ctx.specs.get(tp, _DEFAULT), ctx)
    if kind == "union":
        return _union(args, data, where, ctx)
    if kind == "enum":
        try:
            return tp(data)
        except ValueError:
            return ctx.wrong(where, data, f"one of {[e.value for e in tp]}")
    if kind in ("tuple", "list"):
        return _sequence(kind, args, data, where, ctx)
    if kind == "mapping":
        return _mapping(args, data, where, ctx)
    return data


_KINDS: dict[Any, tuple[str, tuple[Any, ...]]] = {}


def _plain_kind(tp: Any, ctx: _Ctx) -> bool:
    """Whether values of ``tp`` are taken as they are (no need to visit them one by one)."""
    kind = (_KINDS.get(tp) or _classify(tp))[0]
    return kind == "any" or (kind == "scalar" and ctx.lenient)


def _classify(tp: Any) -> tuple[str, tuple[Any, ...]]:
    """What kind of type hint ``tp`` is, and its arguments (cached)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp in _SCALARS:
        kind = "scalar"
    elif isinstance(tp, type) and dataclasses.is_dataclass(tp):
        kind = "dataclass"
    elif origin is typing.Union or origin is types.UnionType:
        kind = "union"
    elif isinstance(tp, type) and issubclass(tp, enum.Enum):
        kind = "enum"
    elif origin in (tuple, Sequence):
        kind = "tuple"
    elif origin is list:
        kind = "list"
    elif origin in (dict, Mapping):
        kind = "mapping"
    else:
        kind = "any"
    _KINDS[tp] = kind, args
    return _KINDS[tp]


_SCALARS: dict[Any, tuple[Any, str]] = {
    bool: (bool, "true or false"), int: (int, "an integer"), float: (int | float, "a number"),
    str: (str, "a text")}
"""What a value of a plain field must be, in words (no conversions: a text is no number)."""


def _nested(from_dict: Callable[[Any], Any], data: Any, where: str) -> Any:
    try:
        return from_dict(data)
    except InputError as exc:
        raise InputError(f"{where}: {exc.field}", exc.value, exc.expected) from exc


def _union(args: tuple[Any, ...], data: Any, where: str, ctx: _Ctx) -> Any:
    if data is None and type(None) in args:
        return None
    rest = [a for a in args if a is not type(None)]
    return _read(rest[0], data, where, ctx) if len(rest) == 1 else data


def _sequence(kind: str, args: tuple[Any, ...], data: Any, where: str, ctx: _Ctx) -> Any:
    if not isinstance(data, list | tuple):
        return ctx.wrong(where, data, "a JSON array")
    if kind == "tuple" and args and args[-1] is not Ellipsis:
        if len(data) != len(args):
            return ctx.wrong(where, data, f"a JSON array of {len(args)} items")
        return tuple(_read(a, v, f"{where}[{i}]", ctx)
                     for i, (a, v) in enumerate(zip(args, data, strict=True)))
    item = args[0] if args else Any
    if _plain_kind(item, ctx):
        return list(data) if kind == "list" else tuple(data)
    items = [_read(item, v, f"{where}[{i}]", ctx) for i, v in enumerate(data)]
    return items if kind == "list" else tuple(items)


def _mapping(args: tuple[Any, ...], data: Any, where: str, ctx: _Ctx) -> Any:
    if not isinstance(data, Mapping):
        return ctx.wrong(where, data, "a JSON object")
    value = args[1] if len(args) == 2 else Any
    if _plain_kind(value, ctx):
        return dict(data)
    return {k: _read(value, v, f"{where}[{k!r}]", ctx) for k, v in data.items()}


def _dataclass(cls: type[T], data: Any, where: str, spec: Spec, ctx: _Ctx) -> T:
    if isinstance(data, cls):
        return data
    here = where or cls.__name__
    if not isinstance(data, Mapping):
        raise InputError(here, data, f"a JSON object describing a {cls.__name__}")
    keys, required, hints = _layout(cls, spec)
    extra = set(data) - keys.keys() - spec.computed.keys()
    if extra and not spec.ignore_unknown:
        raise InputError(here, sorted(extra), f"only the keys {list(keys)}")
    missing = [k for k in required if k not in data]
    if missing:
        raise InputError(here, f"missing {missing}",
                         f"a {cls.__name__} with the keys {required}")
    kw: dict[str, Any] = {}
    for key, f in keys.items():
        if key not in data:
            continue
        value = data[key]
        if value is None and f.name in spec.none_as:
            kw[f.name] = spec.none_as[f.name]
        else:
            kw[f.name] = _read(hints[key], value, f"{where}.{key}" if where else key, ctx)
    try:
        return cls(**kw)
    except InputError as exc:
        raise InputError(f"{where} ({exc.field})" if where else exc.field, exc.value,
                         exc.expected) from exc
