"""Equal inputs, told cheaply: the preview's early cut-off between two listings.

Two listings of one journal share most of their objects: an entry file that did not change
parses to the very same `Entry` (the parse memo hands back what it made), so a page made
again from unchanged entries holds the same objects in new lists and dicts. `Same` compares
two values structurally, trusting identity at every level and remembering what it found
for large containers, so comparing every page of a 10,000-entry site costs a few
milliseconds where pickling them all into keys costs a second. It answers "equal" only when
the values are equal; when unsure (an object with no equality of its own) it answers "not
equal", and the page is keyed the slow, certain way.
"""

from __future__ import annotations

import dataclasses
import functools
import types
from collections.abc import Callable, Collection, Hashable
from datetime import date, datetime
from itertools import compress, starmap
from operator import is_, is_not
from typing import Any, TypeVar

_SCALARS = frozenset({str, int, float, bool, bytes, type(None), date, datetime, complex})
F = TypeVar("F", bound=Callable[..., Any])
_LARGE = 8  # containers at least this long are compared once per pair, then remembered


class Same:
    """`same(a, b)`: True only when `a` and `b` are equal values; for one comparison pass
    (the objects must stay alive while it is used, its memory is by object identity)."""

    def __init__(self, by_key: tuple[type, ...] = ()) -> None:
        """`by_key`: classes whose `key` attribute is a digest of all they hold (an
        entry's key covers every frontmatter field): compared by key alone."""
        self._seen: dict[tuple[int, int], bool] = {}
        self._fields: dict[type, tuple[str, ...]] = {}
        self._by_key = frozenset(by_key)

    def __call__(self, a: Any, b: Any) -> bool:
        if a is b:
            return True
        kind = type(a)
        if kind is not type(b):
            return False
        if kind in _SCALARS:
            return a == b
        if kind in self._by_key:
            return a.key == b.key
        if kind is list or kind is tuple or kind is dict or isinstance(a, tuple):
            if len(a) != len(b):
                return False
            if len(a) < _LARGE:
                return self._items(a, b)
            pair = (id(a), id(b))
            found = self._seen.get(pair)
            if found is None:
                found = self._seen[pair] = self._items(a, b)
            return found
        if kind is types.FunctionType:
            return self._function(a, b)
        if kind is frozenset or kind is set:
            return a == b
        names = self._fields.get(kind)
        if names is None and dataclasses.is_dataclass(kind):
            names = self._fields[kind] = tuple(f.name for f in dataclasses.fields(kind))
        if names is not None:
            pair = (id(a), id(b))
            found = self._seen.get(pair)
            if found is None:
                found = self._seen[pair] = all(
                    self(getattr(a, n), getattr(b, n)) for n in names
                ) and self._extra(a, b)
            return found
        # Anything else: its own equality, when it has one (identity otherwise: "not equal").
        return type(a).__eq__ is not object.__eq__ and bool(a == b)

    def _items(self, a: Any, b: Any) -> bool:
        """Element by element, in order (a template iterates a dict in insertion order);
        identical elements passed at C speed."""
        if type(a) is dict:
            keys_a, keys_b = list(a), list(b)
            if not (all(map(is_, keys_a, keys_b)) or all(map(self, keys_a, keys_b))):
                return False
            a, b = a.values(), b.values()
        if all(map(is_, a, b)):
            return True
        # only the pairs that are not the very same object are compared one by one
        return all(starmap(self, compress(zip(a, b, strict=True), map(is_not, a, b))))

    def _extra(self, a: Any, b: Any) -> bool:
        """Attributes set outside the dataclass fields (caches) are not compared, but an
        object carrying other state in its __dict__ is not trusted."""
        extra_a = getattr(a, "__dict__", {}).keys() - set(self._fields[type(a)])
        extra_b = getattr(b, "__dict__", {}).keys() - set(self._fields[type(b)])
        return not extra_a and not extra_b

    def _function(self, a: types.FunctionType, b: types.FunctionType) -> bool:
        """Two closures of one function are the same when what they closed over is."""
        if a.__code__ is not b.__code__ or a.__defaults__ != b.__defaults__:
            return False
        cells_a, cells_b = a.__closure__ or (), b.__closure__ or ()
        if len(cells_a) != len(cells_b):
            return False
        return all(
            self(x.cell_contents, y.cell_contents) for x, y in zip(cells_a, cells_b, strict=True)
        )


def keep_last(key: Callable[..., Hashable]) -> Callable[[F], F]:
    """Keep a pure function's last result for each `key(*args)`; a call with the same
    arguments (by `Same`) returns that result instead of working it out again.

    For the preview, which lists the whole site after each save: an edit in one domain
    leaves the other domains' figures and charts as they were, and the pages holding them
    are then the very same objects, which `Same` tells at once. Only for functions whose
    result is never changed by a caller."""

    def wrap(fn: F) -> F:
        last: dict[Hashable, tuple[tuple, dict, Any]] = {}

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            k = key(*args, **kwargs)
            found = last.get(k)
            if found is not None:
                if not kwargs and not found[1] and _identical(found[0], args):
                    return found[2]  # the very same arguments, told at C speed
                same = Same(by_key=_by_key())
                if same(found[0], args) and same(found[1], kwargs):
                    return found[2]
            result = fn(*args, **kwargs)
            last[k] = (args, kwargs, result)
            return result

        def keep_only(keys: Collection[Hashable]) -> None:
            """Let go of the results kept under any other key (an entry deleted or renamed
            in a long preview session)."""
            for gone in [k for k in list(last) if k not in keys]:  # a copy: another thread
                last.pop(gone, None)  # (a build beside a preview, in one process) may add

        call.keep_only = keep_only  # type: ignore[attr-defined]
        return call  # type: ignore[return-value]

    return wrap


def _identical(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(map(is_, a, b))


def _by_key() -> tuple[type, ...]:
    from journal.load.model import Entry

    return (Entry,)
