"""Deprecated: the facility location checkers are now in :mod:`circularopt.siting.validate`.

The old names stay for one release, each warning when used.
"""

from __future__ import annotations

from circularopt._deprecated import renamed
from circularopt.siting.validate import (
    FacilityReport,
    validate_facility,
    validate_facility_solution,
    validate_two_stage,
)

__all__ = ["CheckReport", "check_facility_solution", "check_result", "check_two_stage"]

CheckReport = FacilityReport
"""Deprecated alias of :class:`~circularopt.siting.validate.FacilityReport`."""

check_facility_solution = renamed(validate_facility_solution,
                                  "circularopt.siting.check.check_facility_solution")
check_result = renamed(validate_facility, "circularopt.siting.check.check_result")
check_two_stage = renamed(validate_two_stage, "circularopt.siting.check.check_two_stage")
