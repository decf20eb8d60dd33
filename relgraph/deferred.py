"""Deferred imports: a module registered here is *deferred* — importing it binds a
stand-in, and the module itself is loaded on the first use of one of its names.

networkx takes a fifth of a second to import, and most modules of relgraph import
it at the top, yet a portfolio command on files never calls it (the analyses run on
typed tables): deferring it saves that time on every such run without moving an
import statement. (The standard library's :class:`importlib.util.LazyLoader` does
not serve: before Python 3.12 an ``import`` of a module already in
``sys.modules`` reads its ``__spec__``, which loads it.)

>>> import sys
>>> _ = defer("json")  # imported already: nothing to defer
>>> is_loaded("json")
True
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType

__all__ = ["defer", "is_loaded"]


class _Deferred(ModuleType):
    """The stand-in of a deferred module: the first name looked up on it loads the
    module and copies its names in, so later look-ups are plain attribute reads."""

    def __getattr__(self, attr: str):
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
            real = importlib.import_module(name)
            self.__dict__.update(real.__dict__)
        else:  # loaded already (through another path)
            real = sys.modules.get(name) or importlib.import_module(name)
        return getattr(real, attr)


def defer(name: str) -> ModuleType | None:
    """Register the top-level module ``name`` as deferred: a no-op when it is
    imported already, or not installed (an import of it then fails as usual)."""
    if name in sys.modules:
        return sys.modules[name]
    if importlib.util.find_spec(name) is None:
        return None
    stand_in = _Deferred(name)
    stand_in.__spec__ = None  # read by the import statement; must not load
    sys.modules[name] = stand_in
    return stand_in


def is_loaded(name: str) -> bool:
    """True when ``name`` is imported and, if deferred, has been used (loaded)."""
    module = sys.modules.get(name)
    return module is not None and (not isinstance(module, _Deferred) or "__file__" in module.__dict__)
