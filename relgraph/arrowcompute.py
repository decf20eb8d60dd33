"""Arrow's compute functions, as ``pyarrow.compute`` gives them, without its import.

``import pyarrow.compute`` took ~45 ms of a file-store command's ~0.9 s (``python -X
importtime -m relgraph coverage``: 33 ms of its own, the rest docscrape, pydoc and
inspect): at import it wraps each of the ~290 functions of arrow's registry in a Python
function whose docstring it writes from the function's documentation and its options
class's. relgraph calls ~40 of them. This module makes the wrapper of a function the
first time it is asked for (a module ``__getattr__``) from ``pyarrow._compute``, the
extension module whose registry and options classes ``pyarrow.compute`` re-exports
(~7 ms to import, which pyarrow.compute's import includes).

A wrapper is called as ``pyarrow.compute``'s is: the function's arguments, then its
options positionally or by keyword (``filter(table, mask, "emit_null")``,
``is_in(values, value_set=ids)``) or as one ``options=`` (an options object or a dict),
and ``memory_pool=``. Python keywords are spelt ``and_`` and ``or_``. ``cast`` and
``fill_null`` are written out, as ``pyarrow.compute`` writes them: the registry's
``cast`` wants a :class:`CastOptions` and its ``coalesce`` an arrow value, where theirs
take a type and a Python value. (``take``'s hand-written twin there only documents it:
its options are the registry's.) Expressions are not handled: relgraph builds none. If
``pyarrow._compute`` (no public API) lacks what this module reads, every name is
``pyarrow.compute``'s own, at its import cost.

pyarrow's own methods (``Array.take``, ``.filter``, ``.cast``, ``.fill_null``,
``.is_null``, ``ListArray.flatten``, ``Table.filter``, a ``mask=`` to ``from_arrays``,
...) import ``pyarrow.compute`` the first time one is called; the file-store commands
call this module's functions instead (``pc.take(table, rows)``, not
``table.take(rows)``), which ``tests/test_arrowcompute.py`` checks by running them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa

try:
    from pyarrow import _compute
    from pyarrow._compute import CastOptions, call_function, get_function

    _ensure_type = pa.lib.ensure_type
except (ImportError, AttributeError):  # a pyarrow that moved them
    _compute = None

# Names of registry functions that are Python keywords.
_REGISTRY_NAMES = {"and_": "and", "or_": "or"}


def __getattr__(name: str) -> Callable[..., Any]:
    """The wrapper of arrow's compute function ``name``, made once."""
    if name.startswith("__"):  # what import machinery and tools probe for
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    function = _public(name) if _compute is None else _wrapper(name)
    globals()[name] = function
    return function


def _public(name: str) -> Callable[..., Any]:
    import pyarrow.compute

    return getattr(pyarrow.compute, name)


def _wrapper(name: str) -> Callable[..., Any]:
    try:
        function = get_function(_REGISTRY_NAMES.get(name, name))
    except KeyError:  # arrow's ArrowKeyError
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    try:
        doc, arity, call = function._doc, function.arity, function.call  # Ellipsis: any number
    except AttributeError:  # a pyarrow that keeps them elsewhere
        return _public(name)
    options_class = getattr(_compute, doc.options_class, None) if doc.options_class else None
    if doc.options_class and options_class is None:  # a class pyarrow has no binding of
        return _public(name)

    def wrapper(*args: Any, options: Any = None, memory_pool: Any = None, **kwargs: Any) -> Any:
        given = () if arity is Ellipsis else args[arity:]
        if given or kwargs:
            if options_class is None or options is not None:
                raise TypeError(
                    f"{name}() takes {arity} argument(s) and "
                    + ("no options" if options_class is None else "either options or option values")
                )
            options, args = options_class(*given, **kwargs), args[:arity]
        elif isinstance(options, dict):
            options = options_class(**options)
        for a in args:  # (not any(): this module's globals() hold arrow's "any")
            if type(a) in _SCALAR_TYPES:
                args = [_typed(a) for a in args]
                break
        return call(args, options, memory_pool)

    wrapper.__name__ = wrapper.__qualname__ = name
    wrapper.__doc__ = f"Arrow's compute function {function.name!r}: {doc.summary}."
    return wrapper


_SCALAR_TYPES = {str: pa.string(), bool: pa.bool_(), float: pa.float64(), int: pa.int64()}
"""The arrow type of a plain Python value given as an argument, the type arrow would
infer (:func:`_typed`): inferring one (the first time in a process) imports
``dateutil``, ``calendar`` and ``locale``, 3 to 5 ms."""


def _typed(value: Any) -> Any:
    """A plain Python value as the arrow scalar arrow would infer (an int out of
    int64's range as it is, for arrow to type); anything else as it is."""
    t = _SCALAR_TYPES.get(type(value))
    if t is None or (t is _SCALAR_TYPES[int] and not -(1 << 63) <= value < 1 << 63):
        return value
    return pa.scalar(value, t)


def cast(arr: Any, target_type: Any = None, safe: bool | None = None, options: Any = None,
         memory_pool: Any = None) -> Any:
    """``arr`` cast to ``target_type`` (a type or its name), checking for overflow
    and truncation unless ``safe`` is False; or with ``options``, a CastOptions."""
    if options is None:
        make = CastOptions.unsafe if safe is False else CastOptions.safe
        options = make(_ensure_type(target_type))
    elif target_type is not None or safe is not None:
        raise ValueError("Must either pass values for 'target_type' and 'safe' or pass a value for 'options'")
    return call_function("cast", [arr], options, memory_pool)


def fill_null(values: Any, fill_value: Any) -> Any:
    """``values`` with each null replaced by ``fill_value`` (its element at the null's
    place, if an array), which is made of ``values``' type if it is not."""
    if not isinstance(fill_value, (pa.Array, pa.ChunkedArray, pa.Scalar)):
        fill_value = pa.scalar(fill_value, type=values.type)
    elif values.type != fill_value.type:
        fill_value = pa.scalar(fill_value.as_py(), type=values.type)
    return call_function("coalesce", [values, fill_value])


if _compute is None:
    from pyarrow.compute import cast, fill_null  # noqa: F811
