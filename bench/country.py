"""A synthetic country with a real country's proportions, for benchmarks and scale tests.

:func:`bench.generate.generate` scales every tier with the number of actors, so at a million
triples it makes a few hundred municipalities per department and groups of 30: it never shows
what a real country's data does to a query. This module builds the administrative skeleton of a
country like France from the number of its municipalities:

- municipalities grouped into inter-municipal bodies whose sizes are skewed as real ones are
  (most of 10 to 40 members, a tail of bodies of 150 to 400), a few municipalities in none;
- about one department per 350 municipalities and one region per 1,750, each with its
  prefecture (the departmental prefecture under the regional one, under the State);
- overseas departments, each its own region, whose municipalities form no inter-municipal body;
- a metropole, instead of an inter-municipal body, around the largest city of the first
  departments (one per 1,600 municipalities), that city run by directorates;
- NGOs, migrant associations and employers in the thousands, instruments (contracts,
  strategies, monitors, plans, funds) in the hundreds;
- competences per tier as the MC2CM table allocates them (the same tables as
  :mod:`bench.generate`);
- each of the eight gap types planted at a controlled share: a draw leaves out the link (or the
  body, or the strategy) that would close it, and some of the omissions are closed again by a
  forum or a contract the actors share, which is what the co-membership rules must find.

The gaps between a municipality and its department's service that the generator plants are kept
in :attr:`Country.planted`, so a test can check the findings against what was put there.

The same arguments always give the same rows (seeded random numbers).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bench.generate import (
    LOCAL_COMPETENCES,
    REGIONAL_COMPETENCES,
    Country,
    add_state,
)

#: Every k-th municipality holds the local tier's i-th competence (social action in one of
#: three, standing for the larger municipalities; early childhood in all): about two
#: allocations per municipality, so the country keeps to two million triples.
LOCAL_EVERY = (3, 1, 4, 6, 5)

#: The eight gap types a share can be given for (the names of ga: gap concepts).
GAP_KINDS = ("administrative", "policy", "information", "capacity", "fiscal", "objective",
             "accountability", "participatory")

#: Municipalities of the named countries (France: INSEE, 1 January 2024, 34,935 communes;
#: rounded to the figure the issue's measurements used).
PRESETS: Mapping[str, int] = {"france": 34_969}


@dataclass(frozen=True)
class Proportions:
    """How the tiers scale with the municipalities; France's by default."""

    municipalities_per_department: int = 350
    departments_per_region: int = 7
    municipalities_per_metropole: int = 1_600
    #: of the departments, this share is overseas (France: 5 of 101)
    overseas_share: float = 0.05
    #: municipalities of an overseas department (France: 129 in 5)
    overseas_municipalities: int = 26
    #: municipalities in no inter-municipal body (France: the four single-commune islands)
    unattached_share: float = 0.002
    ngos_per_municipality: float = 0.1
    migrant_associations_per_municipality: float = 0.03
    employers_per_municipality: float = 0.05
    #: areas where the department's social action service sits in the body as a member
    service_in_body_share: float = 0.75
    #: areas with a territorial contract signed by the body, its members and the service
    area_contract_share: float = 0.5
    #: bodies of 150 to 400 members (see :func:`body_size`)
    large_body_share: float = 0.03


def body_size(rng: random.Random, large_share: float = 0.03) -> int:
    """The number of members of one inter-municipal body, skewed as real ones are.

    A mixture: most bodies log-normal around 18 members (nine in ten of those between 10 and
    40), 12 % around 50, and ``large_share`` (3 %) between 150 and 400, the large urban and
    rural communities. The mean is then about 29: France's 34,935 communes in 1,254 bodies.
    """
    draw = rng.random()
    if draw < 0.88 - large_share:
        return max(2, round(rng.lognormvariate(2.89, 0.4)))  # e^2.89 = 18
    if draw < 1 - large_share:
        return max(2, round(rng.lognormvariate(3.91, 0.35)))  # e^3.91 = 50
    return rng.randint(150, 400)


def metropole_size(rng: random.Random) -> int:
    """Members of a metropole (France's 22: from 18 for Brest to 131 for Greater Paris)."""
    return rng.randint(18, 131)


class _Draws:
    """The seeded draws that decide which closing links a country leaves out."""

    def __init__(self, rng: random.Random, gap_share: float,
                 shares: Mapping[str, float] | None) -> None:
        unknown = set(shares or ()) - set(GAP_KINDS)
        if unknown:
            raise ValueError(f"unknown gap types {sorted(unknown)}: use {', '.join(GAP_KINDS)}")
        self.rng = rng
        self.shares = {kind: (shares or {}).get(kind, gap_share) for kind in GAP_KINDS}

    def gap(self, kind: str) -> bool:
        """True if the link closing a ``kind`` gap is to be left out."""
        return self.rng.random() < self.shares[kind]


def split(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` near-equal whole parts, the larger first."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def generate_country(municipalities: int, seed: int = 7, gap_share: float = 0.05,
                     shares: Mapping[str, float] | None = None,
                     proportions: Proportions | None = None) -> Country:
    """A country of ``municipalities`` municipalities with a real country's proportions.

    Parameters
    ----------
    municipalities
        How many municipalities (France: 34,969; at least 20).
    seed
        Seed of the random draws: the same arguments give the same rows.
    gap_share
        The share of places that miss the link closing each gap type.
    shares
        A share per gap type (:data:`GAP_KINDS`) instead of ``gap_share`` for those named.
    proportions
        How the tiers scale; France's by default.
    """
    if municipalities < 20:
        raise ValueError("a country needs at least 20 municipalities")
    p = proportions or Proportions()
    rng = random.Random(seed)
    draws = _Draws(rng, gap_share, shares)
    gap = draws.gap
    country = Country()

    departments = max(2, round(municipalities / p.municipalities_per_department))
    overseas = max(1, round(departments * p.overseas_share))
    metropolitan_departments = departments - overseas
    metropolitan_regions = max(1, round(metropolitan_departments / p.departments_per_region))
    metropoles = min(metropolitan_departments,
                     max(1, round(municipalities / p.municipalities_per_metropole)))

    # --- the State ------------------------------------------------------------------------
    state, ministries, delegation = add_state(country)
    contracts = country.instrument("xx-contracts", "Territorial integration contracts",
                                   "contract", valid_from="2019", owner=delegation)
    strategy = country.instrument("xx-strategy", "National integration strategy", "strategy",
                                  valid_from="2018", owner=ministries[0])
    country.instrument("xx-observatory", "National integration observatory", "monitor",
                       valid_from="2020", owner=delegation, aligns=(strategy,))
    country.link(delegation, state, "evaluates", contracts)

    # --- regions and departments ------------------------------------------------------------
    regions: list[tuple[str, str]] = []
    for r in range(metropolitan_regions + overseas):
        territory = f"Region {r}"
        region = country.actor(f"xx-region-{r}", f"Region {r}", "region", "regional",
                               territory=territory)
        prefecture = country.actor(f"xx-prefecture-{r}", f"Prefecture of region {r}",
                                   "deconcentrated-service", "regional", state, territory)
        for competence, qualifier in REGIONAL_COMPETENCES:
            country.allocate(region, competence, "regional", qualifier)
        country.link(ministries[r % len(ministries)], region, "funds", "", "2019")
        country.link(delegation, prefecture, "steers")
        if not gap("information"):
            country.link(region, ministries[0], "reports-to")
        plan = country.instrument(f"xx-region-strategy-{r}", f"Integration strategy of region {r}",
                                  "strategy", territory, "2021", region)
        if not gap("accountability"):
            country.link(prefecture, region, "monitors", plan)
        regions.append((region, prefecture))

    # metropolitan departments over the metropolitan regions, then one overseas region each
    department_rows: list[tuple[str, bool]] = []
    for d in range(departments):
        is_overseas = d >= metropolitan_departments
        r = (metropolitan_regions + d - metropolitan_departments if is_overseas
             else d % metropolitan_regions)
        region, regional_prefecture = regions[r]
        territory = f"Department {d}"
        department = country.actor(f"xx-department-{d}", f"Department {d}", "department",
                                   "intermediate", territory=territory)
        prefecture = country.actor(f"xx-dept-prefecture-{d}", f"Prefecture of department {d}",
                                   "deconcentrated-service", "intermediate",
                                   regional_prefecture, territory)
        country.allocate(department, "child-protection", "intermediate")
        country.allocate(department, "solidarities", "intermediate")
        country.allocate(prefecture, "borders-residency", "intermediate", "implementation")
        country.link(region, department, "coordinates")
        if not gap("capacity"):
            country.link(regional_prefecture, prefecture, "coordinates")
        if not gap("information"):
            country.link(prefecture, department, "informs")
        # two programmes; a strategy aligning them unless the department lacks one (policy and
        # objective gaps); the prefecture monitors one of them unless it does not (accountability)
        plan = country.instrument(f"xx-plan-{d}", f"Integration plan of department {d}",
                                  "action-plan", territory, "2020", department)
        fund = country.instrument(f"xx-fund-{d}", f"Social fund of department {d}",
                                  "funding-programme", territory, "2020", department)
        own_strategy = "" if gap("policy") else country.instrument(
            f"xx-dept-strategy-{d}", f"Solidarity strategy of department {d}", "strategy",
            territory, "2020", department, (plan, fund))
        if not gap("accountability"):
            country.link(prefecture, department, "monitors", own_strategy or plan)
        department_rows.append((department, is_overseas))

    ngos = [country.actor(f"xx-ngo-{n}", f"Association {n}", "ngo", "local")
            for n in range(max(2, round(municipalities * p.ngos_per_municipality)))]
    migrants = [country.actor(f"xx-migrants-{m}", f"Migrant association {m}",
                              "migrant-association", "local")
                for m in range(max(1, round(municipalities
                                            * p.migrant_associations_per_municipality)))]
    employers = [country.actor(f"xx-employer-{e}", f"Employer {e}", "employer", "local")
                 for e in range(max(1, round(municipalities * p.employers_per_municipality)))]

    # --- areas: each department's municipalities, grouped into bodies -----------------------
    city_count = 0

    def city(area: str) -> tuple[str, bool, bool]:
        """A municipality of ``area`` with its competences (the MC2CM local tier); whether it
        runs social action and holds only the implementation of a competence."""
        nonlocal city_count
        m = city_count
        city_count += 1
        actor = country.actor(f"xx-city-{m}", f"Municipality {m}", "municipality", "local",
                              territory=area)
        held = [i for i, every in enumerate(LOCAL_EVERY) if (m + i) % every == 0]
        for i in held:
            competence, qualifier = LOCAL_COMPETENCES[i]
            country.allocate(actor, competence, "local", qualifier)
        return actor, 0 in held, any("implementation" in LOCAL_COMPETENCES[i][1] for i in held)

    def civil_society(actor: str, m: int) -> None:
        """The municipality's links with migrant associations, NGOs and employers, each a draw
        (participatory gap without any; capacity gap for a delivery it does not fund)."""
        if not gap("participatory"):
            country.link(actor, migrants[m % len(migrants)], "consults")
        if m % 10 == 0:
            ngo = ngos[m // 10 % len(ngos)]
            country.link(ngo, actor, "implements-for")
            if not gap("capacity"):
                country.link(actor, ngo, "funds")
        if m % 40 == 0:
            country.link(employers[m % len(employers)], actor, "partners-with")

    def member_links(actor: str, social: bool, implementation: bool, department: str,
                     service: str, forum: str, service_in_forum: bool, contract: str) -> None:
        """The links between a municipality and the tiers above it, each a draw.

        Most links a real municipality has with its department pass through its body: the
        department's social action service sits in the body (a forum: information) and the
        body's territorial contract is signed by its members (shared objectives). Where they do
        not, a municipality running social action needs its own link with the service; the
        information and objective gaps planted then are recorded.
        """
        m = city_count - 1
        if forum:
            country.link(actor, forum, "member-of")
        if social:
            if not (forum and service_in_forum):
                if gap("information"):
                    country.planted.append(("information", actor, service))
                else:
                    country.link(service, actor, "informs")
            if not gap("fiscal"):
                country.link(service, actor, "funds", "", "2020")
            if contract:
                country.link(actor, forum, "contracts-with", contract, "2022")
            elif gap("objective"):
                country.planted.append(("objective", actor, service))
            else:
                country.link(service, actor, "contracts-with")
        # support for what it implements: its body (or department) coordinates it
        if implementation and not gap("capacity"):
            country.link(forum or department, actor, "coordinates")
        if m % 25 == 0:
            signed = "2019" if m % 50 == 0 else "2021"
            country.link(delegation, actor, "contracts-with", contracts, signed)
        civil_society(actor, m)

    overseas_quota = min(p.overseas_municipalities, municipalities // departments)
    quotas = (split(municipalities - overseas * overseas_quota, metropolitan_departments)
              + [overseas_quota] * overseas)
    area_count = 0
    for d, (department, is_overseas) in enumerate(department_rows):
        quota = quotas[d]
        unattached = 0 if is_overseas else min(quota - 2, round(quota * p.unattached_share))
        sizes: list[int] = []
        if not is_overseas:
            left = quota - unattached
            first = d < metropoles
            while left > 0:
                size = min(left, metropole_size(rng) if first
                           else body_size(rng, p.large_body_share))
                if 0 < left - size < 2:  # a last body of one joins the one before
                    size = left
                sizes.append(size)
                left -= size
                first = False
        for index, members_wanted in enumerate(sizes or [quota]):
            b = area_count
            area_count += 1
            area = f"Area {b}"
            service = country.actor(f"xx-service-{b}", f"Social action service, area {b}",
                                    "directorate", "intermediate", department, area)
            country.allocate(service, "social-action", "intermediate")
            is_metropole = not is_overseas and d < metropoles and index == 0
            forum = ""
            if is_overseas:
                country.planted.append(("administrative", area, ""))  # no body overseas
            elif is_metropole:
                forum = country.actor(f"xx-metropole-{b}", f"Metropole {b}", "metropole",
                                      "local", territory=area)
                country.allocate(forum, "habitat-housing", "local")
                country.allocate(forum, "solidarities", "local", "delegated by the department")
                if not gap("capacity"):
                    country.link(department, forum, "delegates-to")
            elif gap("administrative"):
                country.planted.append(("administrative", area, ""))
            else:
                forum = country.actor(f"xx-imb-{b}", f"Inter-municipal body {b}",
                                      "inter-municipal-body", "local", territory=area)
                country.allocate(forum, "economic-development", "local")
            if forum:
                country.link(department, forum, "partners-with")
            service_in_forum = bool(forum) and rng.random() < p.service_in_body_share
            if service_in_forum:
                country.link(service, forum, "member-of")
            contract = ""
            if forum and rng.random() < p.area_contract_share:
                contract = country.instrument(
                    f"xx-area-contract-{b}", f"Territorial contract of area {b}", "contract",
                    area, "2022", forum)
                country.link(service, forum, "contracts-with", contract, "2022")
                if not gap("accountability"):
                    country.link(department, forum, "evaluates", contract)
            for k in range(members_wanted):
                actor, social, implementation = city(area)
                if is_metropole and k == 0:
                    _large_city(country, actor, forum, gap)
                member_links(actor, social, implementation, department, service, forum,
                             service_in_forum, contract)
        for _ in range(unattached):
            m = city_count
            actor, _social, _implementation = city(f"Municipality {m} alone")
            country.link(actor, department, "reports-to")
            civil_society(actor, m)
    return country


def _large_city(country: Country, city: str, metropole: str,
                gap: Callable[[str], bool]) -> None:
    """The metropole's central city: three directorates, each running an action plan, which a
    city strategy aligns and the metropole monitors unless the draw leaves a policy gap."""
    plans = []
    for k, field_name in enumerate(("housing", "employment", "culture")):
        directorate = country.actor(f"{city}-dir-{k}", f"{field_name.title()} directorate of "
                                    f"{city}", "directorate", "local", city)
        plans.append(country.instrument(f"{city}-plan-{k}", f"{field_name.title()} plan of "
                                        f"{city}", "action-plan", "", "2021", directorate))
    if not gap("policy"):
        own = country.instrument(f"{city}-strategy", f"Integration strategy of {city}",
                                 "strategy", "", "2021", city, tuple(plans))
        country.link(metropole, city, "monitors", own)
