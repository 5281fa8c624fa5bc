"""Container pooling ("fill-a-box"): many small MSME shipments into shared containers.

Pure: dataclasses in, a `ConsolidationPlan` out; no Django, no database, no clock.

How a plan is made (research/logistics.md §3.2):

1. Shipments are grouped by destination port and cargo kind; reefer cargo never shares a box
   with general cargo. Each shipment may sail in any weekly sailing from the week it is ready
   up to the week of its latest date (at most `max_window_weeks` sailings).
2. Sailing weeks are chosen by a pooling heuristic: a week ships the shipments that cannot
   wait any longer, and tops their boxes up with shipments that could have waited. A box is
   only opened when it is cheaper than sending its contents LCL.
3. Each (destination, kind, sailing week) group is then solved exactly with OR-Tools CP-SAT:
   which container types, which shipment in which box, which shipments go LCL, minimising
   total cost, with the heuristic's plan as the hint. The solver's objective bound per group
   is reported, so the plan's cost can be judged against it (the bound is for the chosen
   sailing weeks; `fractional_lower_bound_usd` is a bound over every choice of weeks).

Costs come from the rate book: an FCL price per (destination, container type) and LCL per
revenue tonne (W/M = max(m³, t)) with a minimum. A box's cost is split among its shipments by
their W/M share. Baselines for reports: "ship when ready" (each shipment alone, LCL or its own
box, whichever is cheaper) and first-fit-decreasing per ready week.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

from ortools.sat.python import cp_model

GENERAL = "general"
REEFER = "reefer"
KINDS = (GENERAL, REEFER)

STATUS_OPTIMAL = "optimal"
STATUS_FEASIBLE = "feasible"

#: volumes are packed in whole litres and weights in whole kilograms; a shipment's figures
#: are rounded up and a box's capacity down, so rounding can never overfill a box
LITRES_PER_M3 = 1000
KG_PER_TONNE = 1000.0
CENTS_PER_USD = 100
DAYS_PER_WEEK = 7
#: the share of a box's solve time spent on each week group has this floor (seconds)
MIN_GROUP_SECONDS = 0.2
#: fixed, so the same input gives the same plan (as far as a time limit allows)
SOLVER_SEED = 2026
#: weight/volume mixes tried for the fractional lower bound (any mix is a valid bound)
BOUND_MIXES = (0.0, 0.25, 0.5, 0.75, 1.0)

FLAG_TOO_LARGE = "too_large"
FLAG_NO_RATE = "no_rate"


class MissingRateError(ValueError):
    """No LCL rate and no container rate at all for a destination and cargo kind."""

    def __init__(self, destination_locode: str, kind: str) -> None:
        self.destination_locode = destination_locode
        self.kind = kind
        super().__init__(f"no pooling rate for {destination_locode} ({kind})")


@dataclass(frozen=True)
class ShipmentLoad:
    """One shipment to pool: its size, destination, readiness window and cargo kind."""

    id: str
    volume_m3: float
    weight_kg: float
    destination_locode: str
    ready_date: date
    latest_date: date | None = None
    kind: str = GENERAL

    @property
    def revenue_tonnes(self) -> float:
        """W/M: the larger of cubic metres and metric tonnes (how LCL is charged)."""
        return max(self.volume_m3, self.weight_kg / KG_PER_TONNE)


@dataclass(frozen=True)
class ContainerSpec:
    """A container type as the engine sees it: usable volume (after stowage) and payload."""

    code: str
    usable_volume_m3: float
    payload_kg: float
    reefer: bool


@dataclass(frozen=True)
class PoolingCosts:
    """Prices from the rate book: FCL per (destination, type); LCL per W/M with a minimum."""

    fcl_usd: Mapping[tuple[str, str], float]
    lcl_usd_per_rt: Mapping[str, float]
    lcl_min_usd: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class PlannedContainer:
    """One box of the plan and what goes in it."""

    type: str
    destination_locode: str
    kind: str
    sail_week: date  # the Monday of the sailing week
    shipment_ids: tuple[str, ...]
    volume_m3: float
    weight_kg: float
    fill_volume: float
    fill_weight: float
    cost_usd: float


@dataclass(frozen=True)
class GroupReport:
    """How one (destination, kind, sailing week) group was solved."""

    destination_locode: str
    kind: str
    sail_week: date
    shipments: int
    containers: int
    lower_bound_containers: int
    cost_usd: float
    cost_lower_bound_usd: float
    status: str


@dataclass(frozen=True)
class ConsolidationPlan:
    """The answer: boxes with load lists, LCL stragglers, bounds, status and the cost split."""

    containers: tuple[PlannedContainer, ...]
    lcl: tuple[str, ...]
    lcl_week: Mapping[str, date]
    flagged: Mapping[str, str]
    lower_bound_containers: int
    status: str
    cost_usd: float
    cost_lower_bound_usd: float
    fractional_lower_bound_usd: float
    cost_split: Mapping[str, float]
    ship_when_ready_usd: float
    first_fit_decreasing_usd: float
    groups: tuple[GroupReport, ...]


# --- Small helpers -----------------------------------------------------------------------------


def week_start(day: date) -> date:
    """The Monday of a date's week: sailings are weekly."""
    return day - timedelta(days=day.weekday())


def sailing_weeks(shipment: ShipmentLoad, *, max_window_weeks: int) -> list[date]:
    """The weeks a shipment may sail in: its ready week up to its latest week (capped)."""
    first = week_start(shipment.ready_date)
    last = first
    if shipment.latest_date is not None and shipment.latest_date > shipment.ready_date:
        last = week_start(shipment.latest_date)
    count = min((last - first).days // DAYS_PER_WEEK + 1, max(1, max_window_weeks))
    return [first + timedelta(weeks=k) for k in range(count)]


def lcl_cost(shipment: ShipmentLoad, costs: PoolingCosts) -> float | None:
    """What the shipment costs alone by LCL; None without an LCL rate to its destination."""
    rate = costs.lcl_usd_per_rt.get(shipment.destination_locode)
    if rate is None:
        return None
    minimum = costs.lcl_min_usd.get(shipment.destination_locode, 0.0)
    return max(minimum, rate * shipment.revenue_tonnes)


def _litres(volume_m3: float) -> int:
    return math.ceil(round(volume_m3 * LITRES_PER_M3, 6))


def _kg(weight_kg: float) -> int:
    return math.ceil(round(weight_kg, 6))


def _cap_litres(spec: ContainerSpec) -> int:
    return math.floor(round(spec.usable_volume_m3 * LITRES_PER_M3, 6))


def _cap_kg(spec: ContainerSpec) -> int:
    return math.floor(round(spec.payload_kg, 6))


def fits(shipment: ShipmentLoad, spec: ContainerSpec) -> bool:
    """Whether a shipment alone fits in an empty box of this type."""
    return _litres(shipment.volume_m3) <= _cap_litres(spec) and _kg(
        shipment.weight_kg
    ) <= _cap_kg(spec)


def _cents(usd: float) -> int:
    return round(usd * CENTS_PER_USD)


@dataclass
class _Box:
    spec: ContainerSpec
    items: list[ShipmentLoad]
    litres: int = 0
    kg: int = 0

    def room_for(self, item: ShipmentLoad) -> bool:
        return self.litres + _litres(item.volume_m3) <= _cap_litres(
            self.spec
        ) and self.kg + _kg(item.weight_kg) <= _cap_kg(self.spec)

    def add(self, item: ShipmentLoad) -> None:
        self.items.append(item)
        self.litres += _litres(item.volume_m3)
        self.kg += _kg(item.weight_kg)


@dataclass(frozen=True)
class _Group:
    """The container types and prices that serve one destination and cargo kind."""

    destination_locode: str
    kind: str
    specs: tuple[ContainerSpec, ...]
    price: Mapping[str, float]  # type code → FCL USD

    def cheapest_fitting(self, litres: int, kg: int) -> ContainerSpec | None:
        fitting = [
            s for s in self.specs if litres <= _cap_litres(s) and kg <= _cap_kg(s)
        ]
        return min(fitting, key=lambda s: (self.price[s.code], s.code), default=None)


def _group_for(
    destination: str, kind: str, specs: Sequence[ContainerSpec], costs: PoolingCosts
) -> _Group:
    usable = tuple(
        s
        for s in specs
        if s.reefer == (kind == REEFER) and (destination, s.code) in costs.fcl_usd
    )
    return _Group(
        destination_locode=destination,
        kind=kind,
        specs=usable,
        price={s.code: float(costs.fcl_usd[(destination, s.code)]) for s in usable},
    )


def _size_key(item: ShipmentLoad, spec: ContainerSpec) -> float:
    return max(item.volume_m3 / spec.usable_volume_m3, item.weight_kg / spec.payload_kg)


def _first_fit_decreasing(
    items: Sequence[ShipmentLoad], group: _Group, spec: ContainerSpec
) -> list[_Box]:
    """Pack items into boxes of one type, largest first, each into the first box it fits."""
    boxes: list[_Box] = []
    for item in sorted(items, key=lambda i: (-_size_key(i, spec), i.id)):
        box = next((b for b in boxes if b.room_for(item)), None)
        if box is None:
            box = _Box(spec=spec, items=[])
            boxes.append(box)
        box.add(item)
    return boxes


def _settle(
    boxes: list[_Box], group: _Group, costs: PoolingCosts
) -> tuple[list[_Box], list[ShipmentLoad]]:
    """Give each box the cheapest type its load fits; send a box's load LCL when cheaper."""
    kept: list[_Box] = []
    lcl: list[ShipmentLoad] = []
    for box in boxes:
        spec = group.cheapest_fitting(box.litres, box.kg) or box.spec
        alone = [lcl_cost(item, costs) for item in box.items]
        if (
            all(c is not None for c in alone)
            and sum(c for c in alone if c is not None) < group.price[spec.code]
        ):
            lcl.extend(box.items)
        else:
            kept.append(_Box(spec=spec, items=box.items, litres=box.litres, kg=box.kg))
    return kept, lcl


def _pack_cheapest(
    items: Sequence[ShipmentLoad], group: _Group, costs: PoolingCosts
) -> tuple[list[_Box], list[ShipmentLoad]]:
    """FFD into each container type in turn; keep the cheapest settled result."""
    best: tuple[float, list[_Box], list[ShipmentLoad]] | None = None
    for spec in group.specs:
        boxes = _first_fit_decreasing([i for i in items if fits(i, spec)], group, spec)
        # shipments too big for this type go into the cheapest type they fit
        misfits: dict[str, list[ShipmentLoad]] = defaultdict(list)
        by_code = {s.code: s for s in group.specs}
        for item in items:
            if not fits(item, spec):
                other = group.cheapest_fitting(
                    _litres(item.volume_m3), _kg(item.weight_kg)
                )
                if other is not None:
                    misfits[other.code].append(item)
        for code, extra in misfits.items():
            boxes.extend(_first_fit_decreasing(extra, group, by_code[code]))
        boxes, lcl = _settle(boxes, group, costs)
        total = sum(group.price[b.spec.code] for b in boxes) + sum(
            lcl_cost(i, costs) or 0.0 for i in lcl
        )
        if best is None or total < best[0]:
            best = (total, boxes, lcl)
    if best is None:
        return [], list(items)
    return best[1], best[2]


# --- Baselines ---------------------------------------------------------------------------------


def ship_when_ready_cost(
    shipments: Iterable[ShipmentLoad],
    *,
    containers: Sequence[ContainerSpec],
    costs: PoolingCosts,
) -> float:
    """Each shipment alone in its ready week: LCL or its own box, whichever is cheaper."""
    groups: dict[tuple[str, str], _Group] = {}
    total = 0.0
    for s in shipments:
        key = (s.destination_locode, s.kind)
        if key not in groups:
            groups[key] = _group_for(*key, containers, costs)
        group = groups[key]
        options = [group.price[c.code] for c in group.specs if fits(s, c)]
        alone = lcl_cost(s, costs)
        if alone is not None:
            options.append(alone)
        total += min(options, default=0.0)
    return total


def first_fit_decreasing_cost(
    shipments: Iterable[ShipmentLoad],
    *,
    containers: Sequence[ContainerSpec],
    costs: PoolingCosts,
) -> float:
    """First-fit-decreasing per (destination, kind, ready week), stragglers LCL; no waiting."""
    buckets: dict[tuple[str, str, date], list[ShipmentLoad]] = defaultdict(list)
    for s in shipments:
        buckets[(s.destination_locode, s.kind, week_start(s.ready_date))].append(s)
    total = 0.0
    for (destination, kind, _week), items in buckets.items():
        group = _group_for(destination, kind, containers, costs)
        packable = [i for i in items if any(fits(i, c) for c in group.specs)]
        rest = [i for i in items if i not in set(packable)]
        boxes, lcl = _pack_cheapest(packable, group, costs)
        total += sum(group.price[b.spec.code] for b in boxes)
        total += sum(lcl_cost(i, costs) or 0.0 for i in [*lcl, *rest])
    return total


def fractional_lower_bound(
    shipments: Iterable[ShipmentLoad],
    *,
    containers: Sequence[ContainerSpec],
    costs: PoolingCosts,
) -> float:
    """A cost no plan can beat, whatever its sailing weeks.

    For any mix a in [0, 1], a box's loads satisfy sum(a·v/V + (1-a)·w/W) <= 1, so charging
    each shipment the cheaper of LCL and that fraction of a box's price never overstates a
    plan's cost. The best of a few mixes is returned.
    """
    items = list(shipments)
    groups: dict[tuple[str, str], _Group] = {}
    best = 0.0
    for mix in BOUND_MIXES:
        total = 0.0
        for s in items:
            key = (s.destination_locode, s.kind)
            if key not in groups:
                groups[key] = _group_for(*key, containers, costs)
            group = groups[key]
            options = [
                group.price[c.code]
                * (
                    mix * s.volume_m3 / c.usable_volume_m3
                    + (1 - mix) * s.weight_kg / c.payload_kg
                )
                for c in group.specs
                if fits(s, c)
            ]
            alone = lcl_cost(s, costs)
            if alone is not None:
                options.append(alone)
            total += min(options, default=0.0)
        best = max(best, total)
    return best


# --- Phase 1: choose sailing weeks -------------------------------------------------------------


def _choose_weeks(
    items: Sequence[ShipmentLoad],
    group: _Group,
    costs: PoolingCosts,
    *,
    max_window_weeks: int,
) -> dict[date, list[ShipmentLoad]]:
    """Sailing week per shipment: ship what cannot wait, top its boxes up with what can."""
    windows = {i.id: sailing_weeks(i, max_window_weeks=max_window_weeks) for i in items}
    pending = {i.id: i for i in items}
    weeks = sorted({w for ws in windows.values() for w in ws})
    chosen: dict[date, list[ShipmentLoad]] = defaultdict(list)
    for week in weeks:
        due = [i for i in pending.values() if windows[i.id][-1] == week]
        waiting = sorted(
            (
                i
                for i in pending.values()
                if windows[i.id][0] <= week < windows[i.id][-1]
            ),
            key=lambda i: (windows[i.id][-1], -i.volume_m3, i.id),
        )
        boxes, lcl = _pack_cheapest(due, group, costs)
        for item in waiting:
            box = next((b for b in boxes if b.room_for(item)), None)
            if box is not None:
                box.add(item)
        if lcl and waiting:
            # stragglers plus shipments that could wait may fill a box of their own
            spare = [i for i in waiting if not any(i in b.items for b in boxes)]
            extra, _ = _pack_cheapest([*lcl, *spare], group, costs)
            for box in extra:
                if any(i in lcl for i in box.items):
                    boxes.append(box)
        for box in boxes:
            for item in box.items:
                chosen[week].append(item)
                pending.pop(item.id, None)
        for item in due:
            if item.id in pending:
                chosen[week].append(item)
                pending.pop(item.id)
    return chosen


# --- Phase 2: solve each week group exactly ----------------------------------------------------


@dataclass
class _GroupResult:
    boxes: list[_Box]
    lcl: list[ShipmentLoad]
    cost: float
    bound: float
    optimal: bool
    seconds: float = 0.0


class _WeekModel:
    """The CP-SAT model of one week group: slots per type, assignment, LCL, cost."""

    def __init__(
        self, items: Sequence[ShipmentLoad], group: _Group, costs: PoolingCosts
    ) -> None:
        self.items = list(items)
        self.group = group
        self.hint_boxes, self.hint_lcl = _pack_cheapest(items, group, costs)
        self.hint_cost = sum(group.price[b.spec.code] for b in self.hint_boxes) + sum(
            lcl_cost(i, costs) or 0.0 for i in self.hint_lcl
        )
        self.model = cp_model.CpModel()
        # no better plan uses more boxes of a type than the hint's cost would pay for
        self.slots: list[ContainerSpec] = []
        for spec in group.specs:
            n_fit = sum(1 for i in items if fits(i, spec))
            ceiling = math.floor(self.hint_cost / group.price[spec.code] + 1e-9)
            self.slots.extend([spec] * min(n_fit, ceiling))
        self.used = [self.model.new_bool_var(f"u{b}") for b in range(len(self.slots))]
        self.x: dict[tuple[int, int], cp_model.IntVar] = {
            (k, b): self.model.new_bool_var(f"x{k}_{b}")
            for b, spec in enumerate(self.slots)
            for k, item in enumerate(self.items)
            if fits(item, spec)
        }
        self.lcl_cents: dict[int, int] = {}
        for k, item in enumerate(self.items):
            alone = lcl_cost(item, costs)
            if alone is not None:
                self.lcl_cents[k] = _cents(alone)
        self.lcl = {k: self.model.new_bool_var(f"l{k}") for k in self.lcl_cents}
        self._constrain()

    def _constrain(self) -> None:
        model, x, used = self.model, self.x, self.used
        for k in range(len(self.items)):
            terms = [x[(k, b)] for b in range(len(self.slots)) if (k, b) in x]
            if k in self.lcl:
                terms.append(self.lcl[k])
            model.add_exactly_one(terms)
        litres = [_litres(i.volume_m3) for i in self.items]
        kgs = [_kg(i.weight_kg) for i in self.items]
        for b, spec in enumerate(self.slots):
            members = [k for k in range(len(self.items)) if (k, b) in x]
            model.add(
                sum(litres[k] * x[(k, b)] for k in members)
                <= _cap_litres(spec) * used[b]
            )
            model.add(
                sum(kgs[k] * x[(k, b)] for k in members) <= _cap_kg(spec) * used[b]
            )
            for k in members:
                model.add_implication(x[(k, b)], used[b])
            if b > 0 and self.slots[b - 1] == spec:
                model.add(used[b - 1] >= used[b])  # symmetric boxes open in order
        # redundant: whole boxes per type against the total load that is not LCL; the
        # solver branches on these few counts, which closes the gap far faster
        counts: list[tuple[ContainerSpec, cp_model.IntVar]] = []
        for spec in self.group.specs:
            of_type = [used[b] for b, s in enumerate(self.slots) if s == spec]
            n = model.new_int_var(0, len(of_type), f"n_{spec.code}")
            model.add(n == sum(of_type))
            counts.append((spec, n))
        model.add(
            sum(litres) - sum(litres[k] * v for k, v in self.lcl.items())
            <= sum(_cap_litres(spec) * n for spec, n in counts)
        )
        model.add(
            sum(kgs) - sum(kgs[k] * v for k, v in self.lcl.items())
            <= sum(_cap_kg(spec) * n for spec, n in counts)
        )
        model.add_decision_strategy(
            [n for _, n in counts], cp_model.CHOOSE_FIRST, cp_model.SELECT_MIN_VALUE
        )
        model.minimize(
            sum(
                _cents(self.group.price[spec.code]) * used[b]
                for b, spec in enumerate(self.slots)
            )
            + sum(self.lcl_cents[k] * v for k, v in self.lcl.items())
        )

    def add_hint(self) -> None:
        """Start from the heuristic: its boxes mapped onto the slots of their type."""
        index = {i.id: k for k, i in enumerate(self.items)}
        free: dict[str, list[int]] = defaultdict(list)
        for b, spec in enumerate(self.slots):
            free[spec.code].append(b)
        in_box: dict[int, int] = {}
        opened: set[int] = set()
        for box in self.hint_boxes:
            if free[box.spec.code]:
                b = free[box.spec.code].pop(0)
                opened.add(b)
                for item in box.items:
                    in_box[index[item.id]] = b
        for b, var in enumerate(self.used):
            self.model.add_hint(var, b in opened)
        for (k, b), var in self.x.items():
            self.model.add_hint(var, in_box.get(k) == b)
        for k, var in self.lcl.items():
            self.model.add_hint(var, k not in in_box)

    def read(self, solver: cp_model.CpSolver) -> tuple[list[_Box], list[ShipmentLoad]]:
        """The solver's boxes and LCL shipments."""
        boxes: list[_Box] = []
        for b, spec in enumerate(self.slots):
            if not solver.boolean_value(self.used[b]):
                continue
            box = _Box(spec=spec, items=[])
            for k, item in enumerate(self.items):
                if (k, b) in self.x and solver.boolean_value(self.x[(k, b)]):
                    box.add(item)
            if box.items:
                boxes.append(box)
        lcl = [self.items[k] for k, v in self.lcl.items() if solver.boolean_value(v)]
        return boxes, lcl


def _solve_week(
    items: Sequence[ShipmentLoad],
    group: _Group,
    costs: PoolingCosts,
    *,
    time_limit_s: float,
    workers: int,
) -> _GroupResult:
    """CP-SAT: box types, load lists and LCL stragglers for one week at least cost."""
    week = _WeekModel(items, group, costs)
    if not group.specs:
        return _GroupResult([], list(items), week.hint_cost, week.hint_cost, True)
    week.add_hint()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit_s, MIN_GROUP_SECONDS)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = SOLVER_SEED
    status = solver.solve(week.model)
    seconds = solver.wall_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        bound = fractional_lower_bound(items, containers=group.specs, costs=costs)
        return _GroupResult(
            week.hint_boxes, week.hint_lcl, week.hint_cost, bound, False, seconds
        )
    solved_cost = solver.objective_value / CENTS_PER_USD
    bound = solver.best_objective_bound / CENTS_PER_USD
    # never return worse than the heuristic (costs are compared in whole cents)
    if _cents(solved_cost) > _cents(week.hint_cost):
        return _GroupResult(
            week.hint_boxes, week.hint_lcl, week.hint_cost, bound, False, seconds
        )
    boxes, lcl = week.read(solver)
    return _GroupResult(
        boxes, lcl, solved_cost, bound, status == cp_model.OPTIMAL, seconds
    )


def _count_lower_bound(boxes: Sequence[_Box], group: _Group) -> int:
    if not boxes or not group.specs:
        return 0
    litres = sum(b.litres for b in boxes)
    kg = sum(b.kg for b in boxes)
    most_litres = max(_cap_litres(s) for s in group.specs)
    most_kg = max(_cap_kg(s) for s in group.specs)
    return max(math.ceil(litres / most_litres), math.ceil(kg / most_kg))


def split_cost(box_cost_usd: float, loads: Sequence[ShipmentLoad]) -> dict[str, float]:
    """A box's cost shared by W/M (max of m³ and tonnes); cents add up to the box's cost."""
    shares = [s.revenue_tonnes for s in loads]
    total_share = sum(shares)
    total_cents = _cents(box_cost_usd)
    if total_share <= 0:
        return {s.id: 0.0 for s in loads}
    cents = [math.floor(total_cents * share / total_share) for share in shares]
    # the leftover cents go to the largest shares, so the split is exact and stable
    order = sorted(range(len(loads)), key=lambda k: (-shares[k], loads[k].id))
    for k in order[: total_cents - sum(cents)]:
        cents[k] += 1
    return {s.id: c / CENTS_PER_USD for s, c in zip(loads, cents, strict=True)}


# --- The planner -------------------------------------------------------------------------------


@dataclass
class _Weeks:
    """Phase 1's outcome: the week groups to solve and the shipments set aside."""

    groups: list[tuple[_Group, date, list[ShipmentLoad]]]
    flagged: dict[str, str]
    lcl_week: dict[str, date]


def _plan_weeks(
    shipments: Sequence[ShipmentLoad],
    containers: Sequence[ContainerSpec],
    costs: PoolingCosts,
    max_window_weeks: int,
) -> _Weeks:
    by_group: dict[tuple[str, str], list[ShipmentLoad]] = defaultdict(list)
    for s in shipments:
        by_group[(s.destination_locode, s.kind)].append(s)
    weeks = _Weeks(groups=[], flagged={}, lcl_week={})
    for (destination, kind), items in sorted(by_group.items()):
        group = _group_for(destination, kind, containers, costs)
        if not group.specs and costs.lcl_usd_per_rt.get(destination) is None:
            raise MissingRateError(destination, kind)
        packable = [i for i in items if any(fits(i, c) for c in group.specs)]
        for item in items:
            if item not in packable:
                weeks.flagged[item.id] = FLAG_TOO_LARGE if group.specs else FLAG_NO_RATE
                weeks.lcl_week[item.id] = week_start(item.ready_date)
        chosen = _choose_weeks(
            packable, group, costs, max_window_weeks=max_window_weeks
        )
        weeks.groups.extend(
            (group, week, week_items) for week, week_items in sorted(chosen.items())
        )
    return weeks


def _solve_weeks(
    groups: Sequence[tuple[_Group, date, list[ShipmentLoad]]],
    costs: PoolingCosts,
    *,
    time_limit_s: float,
    workers: int,
) -> list[_GroupResult]:
    """Every week group within one time budget, shared by size."""
    total_items = sum(len(items) for _, _, items in groups) or 1
    results = [
        _solve_week(
            items,
            group,
            costs,
            time_limit_s=time_limit_s * len(items) / total_items,
            workers=workers,
        )
        for group, _week, items in groups
    ]
    # the time the proven groups did not use goes to those still open, largest first
    left = time_limit_s - sum(r.seconds for r in results)
    queue = sorted(
        (k for k, r in enumerate(results) if not r.optimal),
        key=lambda k: -len(groups[k][2]),
    )
    for position, k in enumerate(queue):
        if left < MIN_GROUP_SECONDS:
            break
        group, _week, items = groups[k]
        share = left / (len(queue) - position)
        retry = _solve_week(items, group, costs, time_limit_s=share, workers=workers)
        left -= retry.seconds
        if (retry.cost, -retry.bound) <= (results[k].cost, -results[k].bound):
            results[k] = retry
    return results


def _planned(group: _Group, week: date, box: _Box) -> PlannedContainer:
    return PlannedContainer(
        type=box.spec.code,
        destination_locode=group.destination_locode,
        kind=group.kind,
        sail_week=week,
        shipment_ids=tuple(i.id for i in box.items),
        volume_m3=round(sum(i.volume_m3 for i in box.items), 3),
        weight_kg=round(sum(i.weight_kg for i in box.items), 3),
        fill_volume=round(box.litres / _cap_litres(box.spec), 4),
        fill_weight=round(box.kg / _cap_kg(box.spec), 4),
        cost_usd=group.price[box.spec.code],
    )


def plan_consolidation(
    shipments: Sequence[ShipmentLoad],
    *,
    containers: Sequence[ContainerSpec],
    costs: PoolingCosts,
    time_limit_s: float = 10.0,
    max_window_weeks: int = 4,
    workers: int = 2,
) -> ConsolidationPlan:
    """Pool shipments into containers at least cost; stragglers LCL; see the module doc.

    Shipments larger than every container of their kind, or with no box priced to their
    destination, go LCL and are flagged. Raises MissingRateError when a destination and kind
    has neither a box price nor an LCL rate but holds shipments.
    """
    ids = [s.id for s in shipments]
    if len(set(ids)) != len(ids):
        raise ValueError("shipment ids must be unique")
    by_id = {s.id: s for s in shipments}
    weeks = _plan_weeks(shipments, containers, costs, max_window_weeks)
    results = _solve_weeks(
        weeks.groups, costs, time_limit_s=time_limit_s, workers=workers
    )
    lcl_ids = [i for i in ids if i in weeks.flagged]
    cost = sum(lcl_cost(by_id[i], costs) or 0.0 for i in lcl_ids)
    bound = cost
    planned: list[PlannedContainer] = []
    reports: list[GroupReport] = []
    split: dict[str, float] = {}
    for (group, week, items), result in zip(weeks.groups, results, strict=True):
        cost += result.cost
        bound += min(result.bound, result.cost)
        for box in result.boxes:
            planned.append(_planned(group, week, box))
            split.update(split_cost(group.price[box.spec.code], box.items))
        for item in result.lcl:
            lcl_ids.append(item.id)
            weeks.lcl_week[item.id] = week
        reports.append(
            GroupReport(
                destination_locode=group.destination_locode,
                kind=group.kind,
                sail_week=week,
                shipments=len(items),
                containers=len(result.boxes),
                lower_bound_containers=_count_lower_bound(result.boxes, group),
                cost_usd=round(result.cost, 2),
                cost_lower_bound_usd=round(min(result.bound, result.cost), 2),
                status=STATUS_OPTIMAL if result.optimal else STATUS_FEASIBLE,
            )
        )
    for item_id in lcl_ids:
        split[item_id] = round(lcl_cost(by_id[item_id], costs) or 0.0, 2)
    return ConsolidationPlan(
        containers=tuple(planned),
        lcl=tuple(lcl_ids),
        lcl_week=MappingProxyType(weeks.lcl_week),
        flagged=MappingProxyType(weeks.flagged),
        lower_bound_containers=sum(r.lower_bound_containers for r in reports),
        status=STATUS_OPTIMAL if all(r.optimal for r in results) else STATUS_FEASIBLE,
        cost_usd=round(cost, 2),
        cost_lower_bound_usd=round(bound, 2),
        fractional_lower_bound_usd=round(
            fractional_lower_bound(shipments, containers=containers, costs=costs), 2
        ),
        cost_split=MappingProxyType({i: split[i] for i in ids}),
        ship_when_ready_usd=round(
            ship_when_ready_cost(shipments, containers=containers, costs=costs), 2
        ),
        first_fit_decreasing_usd=round(
            first_fit_decreasing_cost(shipments, containers=containers, costs=costs), 2
        ),
        groups=tuple(reports),
    )
