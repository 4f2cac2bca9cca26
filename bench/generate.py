"""A deterministic generator of synthetic country datasets in the public CSV templates.

The country is shaped like France, scaled: ministries and agencies at the national level, their
prefectures, regions, departments, inter-municipal bodies, municipalities, NGOs, migrant
associations and employers. Competences are allocated across levels the way the MC2CM table
shows (borders and asylum nationally, housing planning regionally, social action and early
childhood locally, ...). Coordination links of every type join them: funding and steering down
the levels, reporting and information up, membership of inter-municipal bodies, delivery by
associations. A controlled share of the places leaves out the link that would close each of the
eight governance gaps, so validation has something to find at every size.

    python bench/generate.py --actors 9000 --out /tmp/country      # about 1,000,000 triples
    python bench/generate.py --triples 100000 --out /tmp/country --defects /tmp/defects.ttl
    python bench/generate.py --preset france --out /tmp/france      # 34,969 municipalities
    python bench/generate.py --municipalities 2000 --out /tmp/small  # the same proportions

``--actors`` and ``--triples`` scale every tier with the actors (the benchmarks' synthetic
country); ``--municipalities`` and ``--preset`` build a country with a real one's proportions
(:mod:`bench.country`): bodies of skewed sizes, overseas departments, metropoles.

``--defects`` also writes a Turtle file of statements that break the data-quality shapes, one
kind of error after another (a missing name, a bad country code, a holder that is not an
actor, a period that ends before it starts, a parent cycle, ...), about the generated actors:
validated with the dataset, it gives the data-quality engines something to find.

The same arguments always give the same files (seeded random numbers).
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass, field
from pathlib import Path

SOURCE = "synthetic-country.txt"
#: triples per requested actor, measured on the store after loading (derived graph and
#: ontology included)
TRIPLES_PER_ACTOR = 110


@dataclass
class Country:
    """The rows of the three (plus instruments) templates, built in memory."""

    actors: list[list[str]] = field(default_factory=list)
    competences: list[list[str]] = field(default_factory=list)
    links: list[list[str]] = field(default_factory=list)
    instruments: list[list[str]] = field(default_factory=list)
    line: int = 0
    #: gaps a generator planted on purpose: (gap type, actor or territory, other actor or "")
    planted: list[tuple[str, str, str]] = field(default_factory=list)

    def locator(self) -> str:
        self.line += 1
        return str(self.line)

    def actor(self, actor_id: str, label: str, kind: str, level: str, parent: str = "",
              territory: str = "") -> str:
        self.actors.append([actor_id, label, kind, level, "XX", parent, territory, SOURCE,
                            self.locator()])
        return actor_id

    def allocate(self, holder: str, competence: str, level: str, qualifier: str = "") -> None:
        self.competences.append([holder, competence, level, qualifier, "", "", SOURCE,
                                 self.locator()])

    def instrument(self, instrument_id: str, label: str, kind: str, territory: str = "",
                   valid_from: str = "", owner: str = "", aligns: tuple[str, ...] = ()) -> str:
        self.instruments.append([instrument_id, label, kind, "XX", territory, valid_from, "", "",
                                 "", SOURCE, self.locator(), owner, "|".join(aligns)])
        return instrument_id

    def link(self, source: str, target: str, kind: str, instrument: str = "",
             valid_from: str = "") -> None:
        self.links.append([source, target, kind, instrument, valid_from, "", SOURCE,
                           self.locator()])


NATIONAL_COMPETENCES = ("borders-residency", "asylum", "migrant-integration", "employment",
                        "social-security", "health")
REGIONAL_COMPETENCES = (("housing", "planning & funding"), ("vocational-training", ""),
                        ("integration-policy", ""))
LOCAL_COMPETENCES = (("social-action", ""), ("early-childhood", ""),
                     ("housing", "implementation"), ("language-learning", ""), ("culture", ""))


def add_state(country: Country) -> tuple[str, list[str], str]:
    """The national government, its eight ministries and the interministerial delegation
    that coordinates them, with the national competences: (state, ministries, delegation)."""
    state = country.actor("xx-state", "National government", "national-government", "national")
    ministries = [country.actor(f"xx-ministry-{i}", f"Ministry {i}", "ministry", "national",
                                state) for i in range(8)]
    delegation = country.actor("xx-delegation", "Interministerial Delegation",
                               "interministerial-delegation", "national", ministries[0])
    for competence in NATIONAL_COMPETENCES:
        country.allocate(state, competence, "national")
    for ministry in ministries:
        country.link(delegation, ministry, "coordinates")
    return state, ministries, delegation


def generate(actors: int, seed: int = 7, gap_share: float = 0.05) -> Country:
    """A country of about ``actors`` actors; ``gap_share`` of places miss a closing link."""
    rng = random.Random(seed)
    country = Country()
    gap = lambda: rng.random() < gap_share  # noqa: E731 - reads as the question it asks

    municipalities = max(4, int(actors * 0.6))
    regions = max(2, municipalities // 2000)
    departments = max(regions, municipalities // 350)
    intercommunal = max(departments, municipalities // 30)
    ngos = max(2, int(actors * 0.2))
    migrant_associations = max(1, int(actors * 0.05))
    employers = max(1, int(actors * 0.05))

    state, ministries, delegation = add_state(country)
    country.instrument("xx-contracts", "Territorial integration contracts", "contract",
                       valid_from="2019")
    country.instrument("xx-strategy", "National integration strategy", "strategy",
                       valid_from="2018")
    country.link(delegation, state, "evaluates", "xx-contracts")

    region_ids = []
    for r in range(regions):
        region = country.actor(f"xx-region-{r}", f"Region {r}", "region", "regional",
                               territory=f"Region {r}")
        prefecture = country.actor(f"xx-prefecture-{r}", f"Prefecture of region {r}",
                                   "deconcentrated-service", "regional", state, f"Region {r}")
        for competence, qualifier in REGIONAL_COMPETENCES:
            country.allocate(region, competence, "regional", qualifier)
        country.link(ministries[r % len(ministries)], region, "funds", "", "2019")
        country.link(delegation, prefecture, "steers")
        if not gap():
            country.link(region, ministries[0], "reports-to")
        region_ids.append((region, prefecture))

    department_ids = []
    for d in range(departments):
        region, prefecture = region_ids[d % regions]
        department = country.actor(f"xx-department-{d}", f"Department {d}", "department",
                                   "intermediate", territory=f"Department {d}")
        country.allocate(department, "child-protection", "intermediate")
        country.allocate(department, "solidarities", "intermediate")
        country.link(region, department, "coordinates")
        if not gap():
            country.link(prefecture, department, "informs")
        # two programmes; a strategy aligning them unless the department lacks one (policy and
        # objective gaps); the prefecture monitors one of them unless it does not (accountability)
        territory = f"Department {d}"
        plan = country.instrument(f"xx-plan-{d}", f"Integration plan of department {d}",
                                  "action-plan", territory, "2020", department)
        fund = country.instrument(f"xx-fund-{d}", f"Social fund of department {d}",
                                  "funding-programme", territory, "2020", department)
        strategy = "" if gap() else country.instrument(
            f"xx-dept-strategy-{d}", f"Solidarity strategy of department {d}", "strategy",
            territory, "2020", department, (plan, fund))
        if not gap():
            country.link(prefecture, department, "monitors", strategy or plan)
        department_ids.append(department)

    areas = []
    for b in range(intercommunal):
        department = department_ids[b % departments]
        area = f"Area {b}"
        # a share of the areas have no inter-municipal body (administrative gap)
        body = "" if gap() else country.actor(f"xx-imb-{b}", f"Inter-municipal body {b}",
                                             "inter-municipal-body", "local", territory=area)
        if body:
            country.link(department, body, "partners-with")
        # the department's social action service in the area acts beside the municipalities:
        # it informs, funds and contracts with them, each unless the draw leaves a gap
        service = country.actor(f"xx-service-{b}", f"Social action service, area {b}",
                                "directorate", "intermediate", department, area)
        country.allocate(service, "social-action", "intermediate")
        areas.append((body, area, department, service))

    ngo_ids = [country.actor(f"xx-ngo-{n}", f"Association {n}", "ngo", "local")
               for n in range(ngos)]
    migrant_ids = [country.actor(f"xx-migrants-{m}", f"Migrant association {m}",
                                 "migrant-association", "local")
                   for m in range(migrant_associations)]
    employer_ids = [country.actor(f"xx-employer-{e}", f"Employer {e}", "employer", "local")
                    for e in range(employers)]

    for m in range(municipalities):
        body, area, department, service = areas[m % intercommunal]
        city = country.actor(f"xx-city-{m}", f"Municipality {m}", "municipality", "local",
                             territory=area)
        for competence, qualifier in LOCAL_COMPETENCES[: 2 + m % 4]:
            country.allocate(city, competence, "local", qualifier)
        if body:
            country.link(city, body, "member-of")
        if not gap():
            country.link(service, city, "informs")  # information (and capacity) gap otherwise
        if not gap():
            country.link(service, city, "funds", "", "2020")  # fiscal gap otherwise
        if not gap():
            country.link(service, city, "contracts-with")  # objective gap otherwise
        if not gap():
            country.link(city, department, "reports-to")
        if m % 25 == 0:
            signed = "2019" if m % 50 == 0 else "2021"
            country.link(delegation, city, "contracts-with", "xx-contracts", signed)
        if not gap():
            ngo = ngo_ids[m % ngos]
            country.link(ngo, city, "implements-for")
            if not gap():
                country.link(city, ngo, "funds")  # capacity gap (delivery unfunded) otherwise
        if not gap():
            country.link(city, migrant_ids[m % migrant_associations], "consults")
        if m % 40 == 0:
            country.link(employer_ids[m % employers], city, "partners-with")
    return country


def write(country: Country, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    headers = {
        "actors": "id,label,type,level,country,parent,territory,source,locator",
        "competences": "holder,competence,level,qualifier,valid_from,valid_until,source,locator",
        "links": "from_actor,to_actor,type,instrument,valid_from,valid_until,source,locator",
        "instruments": "id,label,type,country,territory,valid_from,valid_until,succeeds,status,"
                       "source,locator,owner,aligns",
    }
    for name, header in headers.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header.split(","))
            writer.writerows(getattr(country, name))
    return folder


PREFIXES = """@prefix ga: <https://w3id.org/govatlas/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix actor: <https://w3id.org/govatlas/actor/> .
@prefix defect: <https://w3id.org/govatlas/statement/defect/> .
@prefix level: <https://w3id.org/govatlas/level/> .
@prefix comp: <https://w3id.org/govatlas/competence/> .
@prefix lt: <https://w3id.org/govatlas/link-type/> .
@prefix qk: <https://w3id.org/govatlas/quantity/> .
@prefix source: <https://w3id.org/govatlas/source/> .
"""

#: One Turtle template per kind of error; {n} numbers the defect, {a} and {b} are actor ids.
DEFECTS = (
    # an actor with no name
    "actor:xx-defect-{n} a ga:Actor ; org:classification ga:NGO ; ga:level level:local ;"
    " ga:country \"XX\" ; {prov} .",
    # a country that is not a code
    "actor:xx-defect-{n} a ga:Actor ; rdfs:label \"Defect {n}\" ; org:classification ga:NGO ;"
    " ga:level level:local ; ga:country \"Xland\" ; {prov} .",
    # a level that is a competence
    "actor:xx-defect-{n} a ga:Actor ; rdfs:label \"Defect {n}\" ; org:classification ga:NGO ;"
    " ga:level comp:housing ; ga:country \"XX\" ; {prov} .",
    # an allocation with two holders
    "defect:{n} a ga:CompetenceAllocation ; ga:holder actor:{a}, actor:{b} ;"
    " ga:competence comp:housing ; ga:level level:local ; {prov} .",
    # a holder that is not an actor
    "defect:{n} a ga:CompetenceAllocation ; ga:holder defect:nobody-{n} ;"
    " ga:competence comp:housing ; ga:level level:local ; {prov} .",
    # a period that ends before it starts
    "defect:{n} a ga:CoordinationLink ; ga:fromActor actor:{a} ; ga:toActor actor:{b} ;"
    " ga:linkType lt:informs ; ga:validFrom \"2021-01-01\"^^xsd:date ;"
    " ga:validUntil \"2020-01-01\"^^xsd:date ; {prov} .",
    # a start that is not a date
    "defect:{n} a ga:CoordinationLink ; ga:fromActor actor:{a} ; ga:toActor actor:{b} ;"
    " ga:linkType lt:informs ; ga:validFrom \"spring 2020\" ; {prov} .",
    # a figure whose value is not a number
    "defect:{n} a ga:Quantity ; ga:subject actor:{a} ; ga:quantityKind qk:amount ;"
    " ga:value \"a lot\" ; {prov} .",
    # a source with no lines
    "defect:{n} a ga:CoordinationLink ; ga:fromActor actor:{a} ; ga:toActor actor:{b} ;"
    " ga:linkType lt:informs ; prov:qualifiedDerivation defect:{n}-source .\n"
    "defect:{n}-source a prov:Derivation ; prov:entity source:synthetic-country-txt ;"
    " ga:locator \"\" .",
    # two actors each part of the other
    "actor:xx-defect-{n} a ga:Actor ; rdfs:label \"Defect {n}\" ; org:classification ga:NGO ;"
    " ga:level level:local ; ga:country \"XX\" ; org:subOrganizationOf actor:xx-defect-{n}b ;"
    " {prov} .\nactor:xx-defect-{n}b a ga:Actor ; rdfs:label \"Defect {n}b\" ;"
    " org:classification ga:NGO ; ga:level level:local ; ga:country \"XX\" ;"
    " org:subOrganizationOf actor:xx-defect-{n} ; {prov} .",
    # an instrument with no type
    "defect:{n} a ga:Instrument ; rdfs:label \"Defect {n}\" ; {prov} .",
    # a link with no source
    "defect:{n} a ga:CoordinationLink ; ga:fromActor actor:{a} ; ga:toActor actor:{b} ;"
    " ga:linkType lt:informs .",
)


def defects(country: Country, count: int, seed: int = 7) -> str:
    """Turtle with ``count`` data-quality errors about the country's actors, kind after kind."""
    rng = random.Random(seed)
    ids = [row[0] for row in country.actors]
    parts = [PREFIXES]
    for n in range(count):
        a, b = rng.sample(ids, 2)
        prov = (f"prov:qualifiedDerivation defect:{n}-d .\ndefect:{n}-d a prov:Derivation ;"
                f" prov:entity source:synthetic-country-txt ; ga:locator \"{n + 1}\"")
        parts.append(DEFECTS[n % len(DEFECTS)].format(n=n, a=a, b=b, prov=prov))
    return "\n".join(parts) + "\n"


def write_defects(country: Country, path: Path, count: int | None = None) -> Path:
    """Write :func:`defects` to ``path``: by default one error per 200 actors, at least one of
    each kind."""
    count = count if count is not None else max(len(DEFECTS), len(country.actors) // 200)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(defects(country, count), encoding="utf-8")
    return path


def main() -> None:
    from bench.country import PRESETS, generate_country  # it builds on this module's rows

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--actors", type=int, help="about this many actors")
    size.add_argument("--triples", type=int, help="about this many triples once loaded")
    size.add_argument("--municipalities", type=int,
                      help="a country of this many municipalities with real proportions")
    size.add_argument("--preset", choices=sorted(PRESETS),
                      help="a named country's number of municipalities (france: 34,969)")
    parser.add_argument("--out", type=Path, required=True, help="dataset folder to write")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--gap-share", type=float, default=0.05)
    parser.add_argument("--share", action="append", default=[], metavar="GAP=SHARE",
                        help="a share for one gap type (with --municipalities or --preset), "
                             "e.g. --share information=0.1; repeatable")
    parser.add_argument("--defects", type=Path,
                        help="also write a Turtle file of data-quality errors here")
    args = parser.parse_args()
    if args.municipalities or args.preset:
        shares = {}
        for item in args.share:
            kind, _, share = item.partition("=")
            shares[kind] = float(share)
        municipalities = args.municipalities or PRESETS[args.preset]
        country = generate_country(municipalities, args.seed, args.gap_share, shares)
    else:
        if args.share:
            parser.error("--share needs --municipalities or --preset")
        actors = args.actors or max(10, args.triples // TRIPLES_PER_ACTOR)
        country = generate(actors, args.seed, args.gap_share)
    write(country, args.out)
    if args.defects:
        write_defects(country, args.defects)
    print(f"{len(country.actors)} actors, {len(country.competences)} allocations, "
          f"{len(country.links)} links written to {args.out}")


if __name__ == "__main__":
    import sys

    # run as a script: the project root on the path (for bench.country), not bench/ itself
    sys.path[0] = str(Path(__file__).resolve().parent.parent)
    main()
