"""Old names kept for one release, each warning once it is used."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["renamed"]

F = TypeVar("F", bound=Callable[..., Any])


def renamed(new: F, old_name: str) -> F:
    """``new`` under its former name ``old_name``, warning with DeprecationWarning."""

    @functools.wraps(new)
    def alias(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(f"{old_name} is deprecated; use {new.__module__}.{new.__qualname__}",
                      DeprecationWarning, stacklevel=2)
        return new(*args, **kwargs)

    alias.__name__ = alias.__qualname__ = old_name.rsplit(".", 1)[-1]
    alias.__doc__ = f"Deprecated alias of :func:`{new.__module__}.{new.__qualname__}`."
    return alias  # type: ignore[return-value]
