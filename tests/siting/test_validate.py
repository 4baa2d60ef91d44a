"""The siting validators (siting results and facility solutions), their one report type, and
the old checker names kept one release."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from circularopt.siting.cflp import FacilityProblem, solve_mip
from circularopt.siting.model import site
from circularopt.siting.result import StreamFlow
from circularopt.siting.validate import (
    FacilityReport,
    SitingReport,
    validate_facility,
    validate_facility_solution,
    validate_siting,
)
from circularopt.validation import ValidationReport
from tests.siting.conftest import line, line_matrices


def _tiny() -> FacilityProblem:
    """Facility 0 is free but holds only 10 of the 12 units; facility 1 costs 100."""
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


def test_checker_accepts_solution_and_rejects_tampering() -> None:
    sc = line(recycler_cap=1.5)
    m = line_matrices(sc)
    r = site(sc, m, complexes=2, min_diversion=0.15, max_travel_minutes=10)
    assert validate_siting(sc, m, r).ok
    cases = {
        "not an open complex": dataclasses.replace(
            r, assignment={**r.assignment, "p1": "Z"}),
        "not assigned": dataclasses.replace(
            r, assignment={k: v for k, v in r.assignment.items() if k != "p4"}),
        "over its capacity": dataclasses.replace(
            r, flows=(*r.flows, StreamFlow("A", "R", "plastic", 5.0))),
        "does not accept": dataclasses.replace(
            r, flows=(StreamFlow("A", "R", "residual", 0.1), *r.flows)),
        "reported revenue": dataclasses.replace(
            r, costs=dataclasses.replace(r.costs, revenue=r.costs.revenue + 10)),
        "mass balance": dataclasses.replace(r, residues=r.residues[1:]),
        "over the limit": dataclasses.replace(
            r, assignment={**r.assignment, "p4": "A"}),
        "exactly 2": dataclasses.replace(r, open_complexes=r.open_complexes[:1]),
        "below the required": dataclasses.replace(
            r, options={**r.options, "min_diversion": 0.9}),
        "locked closed": dataclasses.replace(
            r, options={**r.options, "locked_closed": ["A"]}),
    }
    for needle, bad in cases.items():
        report = validate_siting(sc, m, bad)
        assert not report.ok, needle
        assert any(needle in v for v in report.violations), (needle, report.violations)


def test_checker_lists_each_broken_constraint() -> None:
    split_pays = _tiny()
    good = np.array([[1.0, 0.0], [0.0, 1.0]])
    ok = validate_facility_solution(split_pays.with_single_source(), [0, 1], good, claimed_cost=118)
    assert ok.ok and ok.cost == pytest.approx(118.0)
    unserved = np.array([[1.0, 0.0], [0.0, 0.5]])
    assert any("customer 1 is served 0.5" in v
               for v in validate_facility_solution(split_pays, [0, 1], unserved).violations)
    closed = validate_facility_solution(split_pays, [1], good)
    assert any("closed facility 0" in v for v in closed.violations)
    over = validate_facility_solution(split_pays, [0], np.array([[1.0, 1.0], [0.0, 0.0]]))
    assert any("capacity" in v for v in over.violations)
    split = np.array([[1.0, 4 / 6], [0.0, 2 / 6]])
    assert validate_facility_solution(split_pays, [0, 1], split, claimed_cost=114).ok
    ss = validate_facility_solution(split_pays.with_single_source(), [0, 1], split)
    assert any("split" in v for v in ss.violations)
    lie = validate_facility_solution(split_pays, [0, 1], good, claimed_cost=100)
    assert any("claimed cost" in v for v in lie.violations)
    shape = validate_facility_solution(split_pays, [0, 1], np.ones((3, 2)))
    assert not shape.ok
