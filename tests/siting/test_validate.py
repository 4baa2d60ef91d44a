"""The siting validators' one report type, and the old checker names kept one release."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from circularopt.siting.cflp import FacilityProblem, solve_mip
from circularopt.siting.model import site
from circularopt.siting.validate import (
    FacilityReport,
    SitingReport,
    validate_facility,
    validate_facility_solution,
    validate_siting,
)
from circularopt.validation import ValidationReport
from tests.siting.test_model import line, line_matrices


def _tiny() -> FacilityProblem:
    return FacilityProblem(fixed_cost=[0.0, 100.0], capacity=[10.0, 20.0], demand=[6.0, 6.0],
                           cost=[[6.0, 6.0], [12.0, 12.0]], name="tiny")


def test_siting_report_is_a_validation_report() -> None:
    sc = line()
    m = line_matrices(sc)
    result = site(sc, m, time_limit=20)
    report = validate_siting(sc, m, result)
    assert isinstance(report, SitingReport) and isinstance(report, ValidationReport)
    assert report.ok and report.cost == pytest.approx(report.costs.total)
    assert report.summary().startswith("siting valid: recomputed total cost")
    broken = dataclasses.replace(result, diversion_rate=result.diversion_rate + 0.5)
    bad = validate_siting(sc, m, broken)
    assert not bad.ok and "reported diversion" in bad.summary()


def test_facility_report_keeps_feasible_one_release() -> None:
    res = solve_mip(_tiny(), time_limit=10)
    report = validate_facility(_tiny(), res)
    assert isinstance(report, FacilityReport) and report.ok and report.feasible
    shape = validate_facility_solution(_tiny(), [0, 1], np.ones((3, 2)))
    assert not shape.ok and not shape.feasible and shape.cost == np.inf


def test_deprecated_siting_names_warn_and_still_work() -> None:
    from circularopt.siting import check_siting
    from circularopt.siting.check import (
        CheckReport,
        check_facility_solution,
        check_result,
        check_two_stage,
    )

    assert CheckReport is FacilityReport
    sc = line()
    m = line_matrices(sc)
    with pytest.warns(DeprecationWarning, match="check_siting"):
        assert check_siting(sc, m, site(sc, m, time_limit=20)).ok
    res = solve_mip(_tiny(), time_limit=10)
    with pytest.warns(DeprecationWarning, match="check_result"):
        assert check_result(_tiny(), res).feasible
    with pytest.warns(DeprecationWarning, match="check_facility_solution"):
        good = np.array([[1.0, 0.0], [0.0, 1.0]])
        assert check_facility_solution(_tiny(), [0, 1], good).ok
    assert check_two_stage.__name__ == "check_two_stage"


def test_options_objects_are_checked_by_field_name() -> None:
    from circularopt.exceptions import InputError
    from circularopt.siting.lagrangian import LagrangianOptions, solve_lagrangian
    from circularopt.siting.model import SitingOptions

    with pytest.raises(InputError, match=r"siting_options\.min_diversion"):
        SitingOptions(min_diversion=1.5)
    with pytest.raises(InputError, match=r"siting_options\.complexes"):
        SitingOptions(complexes=1, max_complexes=2)
    with pytest.raises(InputError, match=r"lagrangian_options\.prove_share"):
        LagrangianOptions(prove_share=-0.1)
    sc = line()
    m = line_matrices(sc)
    by_keywords = site(sc, m, time_limit=20, complexes=1)
    by_options = site(sc, m, time_limit=20, options=SitingOptions(complexes=1))
    assert by_options.assignment == by_keywords.assignment
    assert by_options.options == by_keywords.options
    res = solve_lagrangian(_tiny(), time_limit=5, backend="none",
                           options=LagrangianOptions(max_candidates=3))
    assert validate_facility(_tiny(), res).ok
