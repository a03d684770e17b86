"""Scorer snapshots in a data-only format (tagged JSON), never pickle.

A pickle in the state folder lets anyone who can write that folder run code in the gateway at
its next start. This format describes plain data only: JSON atoms, lists, tuples, dicts with
any keys, sets, `collections` containers, datetimes, numpy arrays, and instances of
distillguard's own classes. Loading an instance makes it with `object.__new__` and sets its
attributes: no constructor, `__setstate__` or `__reduce__` of anything runs, and a class
outside `distillguard.*` (or a name that is not a class defined in the module it names) is
refused. Shared references and cycles survive (each container is numbered once, later
occurrences point at the number), so state such as the linker's maps that share objects
loads as it was saved.

Writing happens off the event loop: `capture()` takes a private copy of the live objects on
the loop (one `pickle.dumps` in memory, milliseconds, never written anywhere), and
`write_snapshot()` turns that copy into the file in a worker thread while the loop serves.
"""

from __future__ import annotations

import base64
import collections
import datetime as dt
import functools
import importlib
import math
import os
import pickle
from pathlib import Path
from typing import Any

import orjson

from distillguard.gateway.files import write_private

FORMAT = "distillguard-snapshot/1"
_FACTORIES = {"list": list, "set": set, "int": int, "float": float, "dict": dict, "str": str,
              "Counter": collections.Counter}


class SnapshotError(ValueError):
    pass


def _class_path(cls: type) -> str:
    if not cls.__module__.startswith("distillguard."):
        raise TypeError(f"cannot snapshot an instance of {cls.__module__}.{cls.__qualname__}")
    return f"{cls.__module__}:{cls.__qualname__}"


@functools.lru_cache(maxsize=1024)
def _allowed_class(path: str) -> type:
    module_name, _, name = path.partition(":")
    if not module_name.startswith("distillguard.") or not name or "." in name:
        raise SnapshotError(f"class {path!r} is not allowed in a snapshot")
    cls = getattr(importlib.import_module(module_name), name, None)
    if not isinstance(cls, type) or cls.__module__ != module_name or issubclass(cls, BaseException):
        raise SnapshotError(f"{path!r} is not a distillguard class")
    return cls


def _atom(value: Any) -> bool:
    """A value JSON carries as itself (and the decoder may take as is)."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return -(2**63) <= value < 2**63
    if kind is float:
        return math.isfinite(value)
    return False


def _atoms(values: Any) -> bool:
    return all(_atom(v) for v in values)


class _Encoder:
    def __init__(self) -> None:
        self.ids: dict[int, int] = {}
        self.keep: list[Any] = []  # holds encoded objects alive so their id()s stay unique

    def _ref(self, obj: Any) -> int | None:
        return self.ids.get(id(obj))

    def _new(self, obj: Any) -> int:
        n = len(self.ids)
        self.ids[id(obj)] = n
        self.keep.append(obj)
        return n

    def enc(self, obj: Any) -> Any:
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, int):
            return obj if -(2**63) <= obj < 2**63 else ["I", str(obj)]
        if isinstance(obj, float):
            return obj if math.isfinite(obj) else ["F", repr(obj)]
        ref = self._ref(obj)
        if ref is not None:
            return ["R", ref]
        if isinstance(obj, tuple):
            return ["TA", list(obj)] if type(obj) is tuple and _atoms(obj) else ["T", [self.enc(v) for v in obj]]
        if isinstance(obj, frozenset):
            return ["FS", [self.enc(v) for v in obj]]
        if isinstance(obj, bytes):
            return ["B", base64.b64encode(obj).decode()]
        if isinstance(obj, dt.datetime):
            return ["DT", obj.isoformat()]
        if isinstance(obj, dt.date):
            return ["DA", obj.isoformat()]
        if isinstance(obj, dt.timedelta):
            return ["TD", obj.total_seconds()]
        numpy = _numpy_part(obj)
        if numpy is not None:
            return numpy
        if isinstance(obj, list):
            n = self._new(obj)
            if type(obj) is list and _atoms(obj):  # the common case, decoded without a walk
                return ["LA", n, obj]
            return ["L", n, [self.enc(v) for v in obj]]
        if isinstance(obj, set):
            n = self._new(obj)
            if type(obj) is set and _atoms(obj):
                return ["SA", n, list(obj)]
            return ["S", n, [self.enc(v) for v in obj]]
        if isinstance(obj, collections.deque):
            n = self._new(obj)
            return ["Q", n, obj.maxlen, [self.enc(v) for v in obj]]
        if isinstance(obj, dict):
            return self._dict(obj)
        if isinstance(obj, type):
            return ["C", _class_path(obj)]
        return self._instance(obj)

    def _dict(self, obj: dict) -> list:
        n = self._new(obj)
        if all(type(k) is str for k in obj) and _atoms(obj.values()):
            items: Any = {"": dict(obj)}  # str keys, atom values: one JSON object, decoded without a walk
        else:
            items = [[self.enc(k), self.enc(v)] for k, v in obj.items()]
        if isinstance(obj, collections.defaultdict):
            factory = obj.default_factory
            if factory is None:
                name = None
            elif isinstance(factory, type) and factory.__module__.startswith("distillguard."):
                name = _class_path(factory)
            else:
                name = getattr(factory, "__name__", None)
                if _FACTORIES.get(name) is not factory:
                    raise TypeError(f"cannot snapshot a defaultdict whose factory is {factory!r}")
            return ["DD", n, name, items]
        kind = {dict: "D", collections.Counter: "CN", collections.OrderedDict: "OD"}.get(type(obj))
        if kind is None:
            raise TypeError(f"cannot snapshot a {type(obj).__qualname__} (a dict subclass)")
        return [kind, n, items]

    def _instance(self, obj: Any) -> list:
        cls = type(obj)
        path = _class_path(cls)
        n = self._new(obj)
        state: dict[str, Any] = {}
        if hasattr(obj, "__dict__"):
            state.update(vars(obj))
        for klass in cls.__mro__:
            for slot in getattr(klass, "__slots__", ()) or ():
                if slot not in ("__dict__", "__weakref__") and hasattr(obj, slot):
                    state[slot] = getattr(obj, slot)
        atoms = {k: v for k, v in state.items() if _atom(v)}
        return ["O", n, path, [[k, self.enc(v)] for k, v in state.items() if k not in atoms], atoms]


def _numpy_part(obj: Any) -> list | None:
    numpy = _np()
    if numpy is None:
        return None
    if isinstance(obj, numpy.ndarray):
        if obj.dtype.hasobject:
            raise TypeError("cannot snapshot a numpy array of Python objects")
        return ["N", obj.dtype.str, list(obj.shape), base64.b64encode(numpy.ascontiguousarray(obj).tobytes()).decode()]
    if isinstance(obj, numpy.generic):
        return ["NS", obj.dtype.str, base64.b64encode(obj.tobytes()).decode()]
    return None


def _np() -> Any:
    try:
        import numpy
    except ImportError:  # pragma: no cover - numpy comes with the core
        return None
    return numpy


class _Decoder:
    def __init__(self) -> None:
        self.objs: dict[int, Any] = {}

    def dec(self, node: Any) -> Any:
        if not isinstance(node, list):
            return node
        tag = node[0]
        if tag == "R":
            return self.objs[node[1]]
        if tag == "I":
            return int(node[1])
        if tag == "F":
            return float(node[1])
        if tag == "T":
            return tuple(self.dec(v) for v in node[1])
        if tag == "TA":
            return tuple(node[1])
        if tag == "FS":
            return frozenset(self.dec(v) for v in node[1])
        if tag == "B":
            return base64.b64decode(node[1])
        if tag == "DT":
            return dt.datetime.fromisoformat(node[1])
        if tag == "DA":
            return dt.date.fromisoformat(node[1])
        if tag == "TD":
            return dt.timedelta(seconds=node[1])
        if tag in ("N", "NS"):
            numpy = _np()
            dtype = numpy.dtype(node[1])
            if dtype.hasobject:
                raise SnapshotError("object arrays are not allowed in a snapshot")
            if tag == "NS":
                return numpy.frombuffer(base64.b64decode(node[2]), dtype=dtype)[0]
            return numpy.frombuffer(base64.b64decode(node[3]), dtype=dtype).reshape(node[2]).copy()
        if tag == "C":
            return _allowed_class(node[1])
        return self._container(tag, node)

    def _container(self, tag: str, node: list) -> Any:
        n = node[1]
        out: Any
        if tag == "LA":
            out = self.objs[n] = node[2]
        elif tag == "SA":
            out = self.objs[n] = set(node[2])
        elif tag == "L":
            out = self.objs[n] = []
            out.extend(self.dec(v) for v in node[2])
        elif tag == "S":
            out = self.objs[n] = set()
            out.update(self.dec(v) for v in node[2])
        elif tag == "Q":
            out = self.objs[n] = collections.deque(maxlen=node[2])
            out.extend(self.dec(v) for v in node[3])
        elif tag in ("D", "CN", "OD", "DD"):
            if tag == "DD":
                name = node[2]
                factory = None if name is None else (_allowed_class(name) if ":" in name else _FACTORIES.get(name))
                if name is not None and factory is None:
                    raise SnapshotError(f"defaultdict factory {name!r} is not allowed")
                out = self.objs[n] = collections.defaultdict(factory)
                items = node[3]
            else:
                out = self.objs[n] = {"D": dict, "CN": collections.Counter, "OD": collections.OrderedDict}[tag]()
                items = node[2]
            if isinstance(items, dict):
                flat = items.get("")
                if not isinstance(flat, dict):
                    raise SnapshotError("malformed flat mapping")
                out.update(flat)
            else:
                for key, value in items:
                    out[self.dec(key)] = self.dec(value)
        elif tag == "O":
            cls = _allowed_class(node[2])
            out = self.objs[n] = object.__new__(cls)
            atoms = node[4] if len(node) > 4 else {}
            if not isinstance(atoms, dict):
                raise SnapshotError("malformed attributes")
            for key, value in [*node[3], *atoms.items()]:
                if not isinstance(key, str):
                    raise SnapshotError("attribute names must be strings")
                object.__setattr__(out, key, self.dec(value) if isinstance(value, list) else value)
        else:
            raise SnapshotError(f"unknown tag {tag!r}")
        return out


def capture(payload: dict[str, Any]) -> bytes:
    """A private in-memory copy of live objects (on the event loop; decoded only by `write_snapshot`)."""
    return pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)


def write_snapshot(path: str | Path, captured: bytes) -> int:
    """Write a `capture()`d payload to `path` atomically (tmp file, fsync, rename); returns its size.
    Runs in a worker thread. The bytes come from `capture()` in this process, never from disk."""
    return save_snapshot(path, pickle.loads(captured))  # noqa: S301 - produced in memory by capture(), a moment ago


def save_snapshot(path: str | Path, payload: Any) -> int:
    """Write live objects to `path` atomically, now, in this thread (no copy first: for callers that
    are not serving while they save, such as a bus consumer's checkpoint); returns the file's size."""
    data = orjson.dumps({"format": FORMAT, "payload": _Encoder().enc(payload)})
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    write_private(tmp, data)
    os.replace(tmp, path)
    return len(data)


def read_snapshot(path: str | Path) -> Any:
    """The payload saved by `write_snapshot`; SnapshotError when it is not one (or names a forbidden class)."""
    try:
        doc = orjson.loads(Path(path).read_bytes())
    except orjson.JSONDecodeError as exc:
        raise SnapshotError(f"{path}: not a snapshot ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise SnapshotError(f"{path}: not a {FORMAT} file")
    try:
        return _Decoder().dec(doc["payload"])
    except (KeyError, IndexError, TypeError, ValueError, ImportError) as exc:
        raise SnapshotError(f"{path}: malformed snapshot ({type(exc).__name__}: {exc})") from None
