"""The pre-solve diagnosis names mispositioned points: "check the position"."""

from __future__ import annotations

from circularopt.diagnose import FAR_KM, validate_scenario
from circularopt.matrices.approximate import approximate_matrices
from circularopt.scenario import (
    CapacityOption,
    CollectionPoint,
    ComplexCandidate,
    Depot,
    Scenario,
    VehicleType,
)

KM = 0.009  # degrees of latitude per km


def town(*extra: CollectionPoint) -> Scenario:
    """Three points 1-3 km north of a depot in Bishkek, a complex 2 km north, 8 h shifts."""
    pts = tuple(CollectionPoint(f"p{k}", 42.80 + k * KM, 74.60, {"residual": 1.0},
                                time_window=(420.0, 1140.0)) for k in range(1, 4))
    truck = VehicleType("t1", capacity_tonnes=8.0, capacity_m3=20.0, count=2,
                        fixed_cost_per_day=50.0, cost_per_km=1.2, cost_per_hour=9.0,
                        shift_start_minutes=420.0, shift_minutes=480.0, unload_minutes=15.0)
    return Scenario("town", collection_points=pts + extra,
                    complex_candidates=(ComplexCandidate(
                        "cx", 42.80 + 2 * KM, 74.60, (CapacityOption(50.0, 1000.0),), 5.0,
                        {"residual": 0.0}),),
                    depots=(Depot("dep", 42.80, 74.60, (truck,)),))


def report(s: Scenario) -> tuple[tuple[str, ...], tuple[str, ...]]:
    found = validate_scenario(s, approximate_matrices(s.locations()))
    return found.violations, found.warnings


def test_a_swapped_point_is_named_first_with_check_the_position() -> None:
    swapped = CollectionPoint("sw", 74.60, 42.81, {"residual": 1.0},
                              time_window=(420.0, 1140.0))
    found = validate_scenario(town(swapped), approximate_matrices(town(swapped).locations()))
    first = found.violations[0]
    assert "1 collection point(s) lie more than" in first and "'sw' at (74.6, 42.81)" in first
    assert "lat/lon swapped?" in first and "check the position" in first
    assert len(found.violations) > 1  # the window/shift message follows, second


def test_a_far_point_that_trucks_can_serve_is_a_warning() -> None:
    # 130 km north of the town; one truck with a 24 h shift can still serve it.
    far = CollectionPoint("far", 42.80 + 1.3 * FAR_KM * KM, 74.60, {"residual": 1.0})
    s = town(far)
    long_shift = VehicleType("t24", capacity_tonnes=8.0, capacity_m3=20.0, count=1,
                             fixed_cost_per_day=50.0, cost_per_km=1.2, cost_per_hour=9.0,
                             shift_start_minutes=0.0, shift_minutes=1440.0,
                             unload_minutes=15.0)
    s = Scenario("town", collection_points=s.collection_points,
                 complex_candidates=s.complex_candidates,
                 depots=(Depot("dep", 42.80, 74.60, (long_shift,)),))
    violations, warnings = report(s)
    assert not any("check the position" in v for v in violations)
    assert any("'far'" in w and "check the position" in w and "swapped" not in w
               for w in warnings)


def test_a_town_without_far_points_says_nothing_about_positions() -> None:
    violations, warnings = report(town())
    assert not any("check the position" in line for line in violations + warnings)
