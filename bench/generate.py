"""A deterministic generator of synthetic country datasets in the public CSV templates.

The country is shaped like France, scaled: ministries and agencies at the national level, their
prefectures, regions, departments, inter-municipal bodies, municipalities, NGOs, migrant
associations and employers. Competences are allocated across levels the way the MC2CM table
shows (borders and asylum nationally, housing planning regionally, social action and early
childhood locally, ...). Coordination links of every type join them: funding and steering down
the levels, reporting and information up, membership of inter-municipal bodies, delivery by
associations. A controlled share of the places leaves out the link that would close each of the
eight governance gaps, so validation has something to find at every size.

    python bench/generate.py --actors 20000 --out /tmp/country     # about 1,000,000 triples
    python bench/generate.py --triples 100000 --out /tmp/country

The same arguments always give the same files (seeded random numbers).
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass, field
from pathlib import Path

SOURCE = "synthetic-country.txt"
#: triples per actor in the generated data, measured on the loader's output
TRIPLES_PER_ACTOR = 75


@dataclass
class Country:
    """The rows of the three (plus instruments) templates, built in memory."""

    actors: list[list[str]] = field(default_factory=list)
    competences: list[list[str]] = field(default_factory=list)
    links: list[list[str]] = field(default_factory=list)
    instruments: list[list[str]] = field(default_factory=list)
    line: int = 0

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

    state = country.actor("xx-state", "National government", "national-government", "national")
    ministries = [country.actor(f"xx-ministry-{i}", f"Ministry {i}", "ministry", "national",
                                state) for i in range(8)]
    delegation = country.actor("xx-delegation", "Interministerial Delegation",
                               "interministerial-delegation", "national", ministries[0])
    for competence in NATIONAL_COMPETENCES:
        country.allocate(state, competence, "national")
    for ministry in ministries:
        country.link(delegation, ministry, "coordinates")
    country.instruments.append(["xx-contracts", "Territorial integration contracts", "contract",
                                "XX", "", "2019", "", "", "", SOURCE, country.locator()])
    country.instruments.append(["xx-strategy", "National integration strategy", "strategy",
                                "XX", "", "2018", "", "", "", SOURCE, country.locator()])
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
        department_ids.append(department)

    bodies = []
    for b in range(intercommunal):
        department = department_ids[b % departments]
        area = f"Area {b}"
        body = country.actor(f"xx-imb-{b}", f"Inter-municipal body {b}", "inter-municipal-body",
                             "local", territory=area)
        country.link(department, body, "partners-with")
        bodies.append((body, area, department))

    ngo_ids = [country.actor(f"xx-ngo-{n}", f"Association {n}", "ngo", "local")
               for n in range(ngos)]
    migrant_ids = [country.actor(f"xx-migrants-{m}", f"Migrant association {m}",
                                 "migrant-association", "local")
                   for m in range(migrant_associations)]
    employer_ids = [country.actor(f"xx-employer-{e}", f"Employer {e}", "employer", "local")
                    for e in range(employers)]

    for m in range(municipalities):
        body, area, department = bodies[m % intercommunal]
        # a share of the areas have no inter-municipal body of their own (administrative gap)
        territory = area if not (m % intercommunal == 0 and gap()) else f"Unorganised area {m}"
        city = country.actor(f"xx-city-{m}", f"Municipality {m}", "municipality", "local",
                             territory=territory)
        for competence, qualifier in LOCAL_COMPETENCES[: 2 + m % 4]:
            country.allocate(city, competence, "local", qualifier)
        if territory == area:
            country.link(city, body, "member-of")
        if not gap():
            country.link(department, city, "funds", "", "2020")
        if not gap():
            country.link(city, department, "reports-to")
        if m % 25 == 0:
            signed = "2019" if m % 50 == 0 else "2021"
            country.link(delegation, city, "contracts-with", "xx-contracts", signed)
        if not gap():
            country.link(ngo_ids[m % ngos], city, "implements-for")
        if m % 3 == 0 and not gap():
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
                       "source,locator",
    }
    for name, header in headers.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header.split(","))
            writer.writerows(getattr(country, name))
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--actors", type=int, help="about this many actors")
    size.add_argument("--triples", type=int, help="about this many triples once loaded")
    parser.add_argument("--out", type=Path, required=True, help="dataset folder to write")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--gap-share", type=float, default=0.05)
    args = parser.parse_args()
    actors = args.actors or max(10, args.triples // TRIPLES_PER_ACTOR)
    country = generate(actors, args.seed, args.gap_share)
    write(country, args.out)
    print(f"{len(country.actors)} actors, {len(country.competences)} allocations, "
          f"{len(country.links)} links written to {args.out}")


if __name__ == "__main__":
    main()
