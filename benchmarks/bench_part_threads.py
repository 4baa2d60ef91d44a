"""Do two routing solves run in parallel in threads? (why city parts use processes)

Solves one part of a generated city twice one after another, then twice at once in two
threads, and prints the wall-clock and process CPU seconds of each way::

    python benchmarks/bench_part_threads.py --engine pyvrp --iterations 3000
    python benchmarks/bench_part_threads.py --engine ortools --seconds 10

PyVRP stops after a fixed number of iterations, so its two ways do the same work: two
threads that released the GIL would take about half the sequential wall time on two
free cores. OR-Tools stops on time, so compare CPU seconds instead. "cores busy" is CPU
over wall seconds: threads that run in parallel keep more cores busy than one solve at a
time, also on a loaded machine (where the scheduler shares cores per thread).

It is a script (no pytest test: timings belong in benchmarks, not in the suite).
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Callable

from circularopt.cities import generate
from circularopt.matrices import approximate_matrices
from circularopt.routing.engines import solve
from circularopt.routing.engines.options import PyVRPOptions
from circularopt.routing.problem import RoutingProblem
from circularopt.routing.scenario import nearest_sites, routing_problem


def part(city: str, size: int) -> RoutingProblem:
    """The points of the generated city that unload at its first site."""
    s = generate(city, size=size, seed=1)
    m = approximate_matrices(s.locations())
    assign = nearest_sites(s, m)
    return routing_problem(s, m, assignment=assign,
                           unload_sites=[sorted(set(assign.values()))[0]])


def timed(label: str, work: Callable[[], None]) -> None:
    """Print the wall-clock and process CPU seconds of ``work``."""
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label}: wall {wall:.1f} s, cpu {cpu:.1f} s, cores busy {cpu / wall:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", choices=["pyvrp", "ortools"], default="pyvrp")
    ap.add_argument("--city", default="osh")
    ap.add_argument("--size", type=int, default=150)
    ap.add_argument("--iterations", type=int, default=3000, help="PyVRP iterations")
    ap.add_argument("--seconds", type=float, default=10.0, help="OR-Tools time limit")
    args = ap.parse_args()
    problem = part(args.city, args.size)
    print(f"{problem.name}: {problem.num_stops} stops, engine {args.engine}")

    def one() -> None:
        if args.engine == "pyvrp":
            solve(problem, engine="pyvrp", options=PyVRPOptions(max_iterations=args.iterations),
                  time_limit=3600.0, seed=1)
        else:
            solve(problem, engine="ortools", time_limit=args.seconds, seed=1)

    def one_after_another() -> None:
        one()
        one()

    def two_threads() -> None:
        threads = [threading.Thread(target=one) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    timed("two solves one after another", one_after_another)
    timed("two solves in two threads", two_threads)


if __name__ == "__main__":
    main()
