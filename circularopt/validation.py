"""The report every validator returns.

Each stage has an independent validator named after what it validates
(``validate_routes``, ``validate_siting``, ``validate_plan``, ...). Each returns a
:class:`ValidationReport`, or a subclass that adds the figures it recomputed: the
violations it found, the cost recomputed from the raw data, and ``ok``/``summary()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

__all__ = ["ValidationReport"]


@dataclass(frozen=True)
class ValidationReport:
    """What a validator found.

    Parameters
    ----------
    violations
        One sentence per violated rule, naming the object and the values (empty: valid).
    cost
        The cost recomputed from the raw data, or ``None`` when it cannot be computed.
    warnings
        Suspicious but allowed findings.
    """

    violations: tuple[str, ...] = ()
    cost: float | None = None
    warnings: tuple[str, ...] = ()

    subject: ClassVar[str] = "result"
    """What was validated, for :meth:`summary` (set by subclasses)."""

    @property
    def ok(self) -> bool:
        """True when no rule is violated."""
        return not self.violations

    def figures(self) -> str:
        """The recomputed figures in words (subclasses add theirs)."""
        return "" if self.cost is None else f"cost {self.cost:,.2f}"

    def summary(self, *, limit: int = 20) -> str:
        """The verdict with the recomputed figures, then up to ``limit`` violations."""
        figures = self.figures()
        head = (f"{self.subject} {'valid' if self.ok else 'INVALID'}"
                + (f" ({len(self.violations)} violations)" if self.violations else "")
                + (f": {figures}" if figures else ""))
        lines = [head, *(f"  - {v}" for v in self.violations[:limit])]
        if len(self.violations) > limit:
            lines.append(f"  ... {len(self.violations) - limit} more")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()
