"""Validation findings for people (terminal, Markdown, HTML) and for machines (JSON, the SHACL
report graph in Turtle, JUnit XML for a data repository's CI).

People read the cases first (one rule at one place, largest first: how many targets, a few
examples, the rule, what would close it), then what each gap shape checked, then the findings
themselves grouped by severity, gap type and actor, each with the data row or source lines it
comes from, up to a limit (``limit=None`` lists them all). The machine formats keep every
finding, each with the id of its case. Every value from the data is escaped in HTML and XML.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from itertools import groupby
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from govatlas.graph.validation.cases import Case, case_id
from govatlas.graph.validation.coverage import Coverage
from govatlas.graph.validation.gaps import SEVERITIES, Finding
from govatlas.graph.validation.shacl_report import report_graph
from govatlas.loaders.tables import Record

REPORT_FORMATS = ("table", "md", "html", "json", "ttl", "junit")
SEVERITY_TITLES = {"Violation": "Errors (data to fix)", "Warning": "Governance gaps (warnings)",
                   "Info": "Governance gaps (for information)"}
DATA_WARNINGS_TITLE = "Warnings (data to look at, and governance gaps)"


def _severity_title(severity: str, groups: list) -> str:
    """The heading of a severity's findings; warnings about the data itself (a formula-like
    name, a file that is no template) share the warning severity with the gaps."""
    if severity == "Warning" and any(title == "Data warning" for title, _ in groups):
        return DATA_WARNINGS_TITLE
    return SEVERITY_TITLES[severity]


def _group_title(finding: Finding) -> str:
    return f"{finding.gap.capitalize()} gap" if finding.gap else finding.shape_name


def _where(finding: Finding) -> str:
    if finding.record:
        place = finding.record
        if finding.source:
            lines = "lines " if finding.locator[:1].isdigit() else ""
            place += f" ({finding.source} {lines}{finding.locator})"
        return place
    return finding.focus


def _grouped(findings: list[Finding]):
    for severity in SEVERITIES:
        in_severity = [f for f in findings if f.severity == severity]
        if not in_severity:
            continue
        groups = []
        for title, items in groupby(in_severity, key=_group_title):
            by_actor = defaultdict(list)
            for item in items:
                by_actor[item.actor_label or item.focus_label or item.focus].append(item)
            groups.append((title, by_actor))
        yield severity, groups


def summary(findings: list[Finding]) -> str:
    """The counts by severity; against a stored graph, a closed gap counts as no gap. Warnings
    about the data itself (a formula-like name, a file that is no template) are counted apart
    from the gap warnings."""
    counts = {severity: sum(1 for f in findings if f.severity == severity
                            and f.change != "closed" and (f.is_gap or severity == "Violation"))
              for severity in SEVERITIES}
    data_warnings = sum(1 for f in findings if f.severity == "Warning" and not f.is_gap)
    noticed = f"{data_warnings} data warning(s), " if data_warnings else ""
    text = (f"{counts['Violation']} error(s), {noticed}{counts['Warning']} gap warning(s), "
            f"{counts['Info']} gap note(s)")
    changes = {change: sum(1 for f in findings if f.change == change)
               for change in ("opened", "closed")}
    if any(changes.values()):
        text += f"; the new data opens {changes['opened']:,} gap(s), closes {changes['closed']:,}"
    return text


def _case_lines(case: Case) -> list[str]:
    """A case in plain lines: what, how many, where, examples, the rule, what would close it."""
    if case.gap:
        unit = "target" if case.covers == 1 else "targets"
        where = f" in {case.places:,} places" if case.places > 1 else ""
        head = f"{case.title}: {case.covers:,} {unit}{where}, {case.findings:,} finding(s)"
    else:
        kind = "error(s)" if case.severity == "Violation" else "warning(s)"
        head = f"{case.title}: {case.findings:,} {kind} on {case.places:,} row(s)"
    lines = [head]
    if case.rule:
        lines.append(f"rule: {case.rule}")
    if case.gap:
        lines.append(f"evidences the OECD {case.gap} gap")
    lines.append(("e.g. " if case.gap else "") + "; ".join(case.examples)
                 + (" ..." if case.findings > len(case.examples) else ""))
    if case.closed_by:
        lines.append(f"closed by: {case.closed_by}")
    lines.append(f"case id: {case.id}")
    return lines


def _coverage_line(row: Coverage) -> str:
    if row.missing:
        return (f"{row.name}: checked 0 of {row.targets:,} targets, the data records no "
                f"{row.missing}")
    return f"{row.name}: checked {row.targets:,} targets, {row.findings:,} finding(s)"


def _nothing(coverage: list[Coverage] | None) -> str:
    """The closing line of an empty report: against a stored graph, the gaps its coverage
    counts are there still, and only their change is empty."""
    if any(row.findings for row in coverage or []):
        return "No errors, and no gap opened or closed."
    return "No errors and no gaps found."


def _listed(findings: list[Finding], limit: int | None) -> tuple[list[Finding], int]:
    if limit is None or len(findings) <= limit:
        return findings, 0
    return findings[:limit], len(findings) - limit


def _more(left: int) -> str:
    return (f"... and {left:,} more finding(s): --all lists them, --limit N the first N; "
            "the json format holds every one")


def render_text(findings: list[Finding], inputs: list[str], cases: list[Case] | None = None,
                coverage: list[Coverage] | None = None, limit: int | None = None) -> str:
    lines = [f"Validation of {', '.join(inputs)}: {summary(findings)}", ""]
    if cases:
        lines.append(f"== Cases ({len(cases)}, largest first) ==")
        for case in cases:
            first, *rest = _case_lines(case)
            lines.append(f"* [{case.severity}] {first}")
            lines.extend(f"    {line}" for line in rest)
        lines.append("")
    if coverage:
        lines.append("== Coverage (what each gap shape checked) ==")
        lines.extend(f"  {_coverage_line(row)}" for row in coverage)
        lines.append("")
    listed, left = _listed(findings, limit)
    for severity, groups in _grouped(listed):
        lines.append(f"== {_severity_title(severity, groups)} ==")
        for title, by_actor in groups:
            lines.append(f"-- {title} --")
            for actor, items in by_actor.items():
                lines.append(f"  {actor}")
                for item in items:
                    column = f" [{item.path}]" if item.path else ""
                    change = f"[{item.change}] " if item.change else ""
                    lines.append(f"    - {change}{item.message}{column}")
                    lines.append(f"      at {_where(item)}")
                    lines.extend(f"      source says: {fact}" for fact in item.evidence)
        lines.append("")
    if left:
        lines += [_more(left), ""]
    if not findings:
        lines.append(_nothing(coverage))
    return "\n".join(lines) + "\n"


def render_markdown(findings: list[Finding], inputs: list[str],
                    cases: list[Case] | None = None, coverage: list[Coverage] | None = None,
                    limit: int | None = None) -> str:
    def md(text: str) -> str:
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")

    lines = [f"# Validation of {md(', '.join(inputs))}", "", f"**{summary(findings)}**", ""]
    if cases:
        lines += ["## Cases", ""]
        for case in cases:
            first, *rest = _case_lines(case)
            lines.append(f"- **{md(first)}** ({case.severity})")
            lines.extend(f"  - {md(line)}" for line in rest)
        lines.append("")
    if coverage:
        lines += ["## Coverage", ""]
        lines.extend(f"- {md(_coverage_line(row))}" for row in coverage)
        lines.append("")
    listed, left = _listed(findings, limit)
    for severity, groups in _grouped(listed):
        lines += [f"## {_severity_title(severity, groups)}", ""]
        for title, by_actor in groups:
            lines += [f"### {md(title)}", ""]
            for actor, items in by_actor.items():
                lines.append(f"- **{md(actor)}**")
                for item in items:
                    change = f"**{item.change}** " if item.change else ""
                    lines.append(f"  - {change}{md(item.message)} — `{md(_where(item))}`")
                    lines.extend(f"    - *source says:* {md(fact)}" for fact in item.evidence)
            lines.append("")
    if left:
        lines += [md(_more(left)), ""]
    if not findings:
        lines.append("No errors and no gaps found.")
    return "\n".join(lines) + "\n"


def render_html(findings: list[Finding], inputs: list[str], cases: list[Case] | None = None,
                coverage: list[Coverage] | None = None, limit: int | None = None) -> str:
    parts = [f"<h1>Validation of {html.escape(', '.join(inputs))}</h1>",
             f"<p class='summary'>{html.escape(summary(findings))}</p>"]
    if cases:
        parts.append("<section class='cases'><h2>Cases</h2><ul>")
        for case in cases:
            first, *rest = _case_lines(case)
            parts.append(f"<li class='{case.severity.lower()}'><strong>{html.escape(first)}"
                         "</strong><br>" + "<br>".join(html.escape(line) for line in rest)
                         + "</li>")
        parts.append("</ul></section>")
    if coverage:
        parts.append("<section class='coverage'><h2>Coverage</h2><ul>"
                     + "".join(f"<li>{html.escape(_coverage_line(row))}</li>"
                               for row in coverage) + "</ul></section>")
    listed, left = _listed(findings, limit)
    for severity, groups in _grouped(listed):
        parts.append(f"<section class='{severity.lower()}'><h2>"
                     f"{html.escape(_severity_title(severity, groups))}</h2>")
        for title, by_actor in groups:
            parts.append(f"<h3>{html.escape(title)}</h3><dl>")
            for actor, items in by_actor.items():
                parts.append(f"<dt>{html.escape(actor)}</dt>")
                for item in items:
                    evidence = "".join(f"<br><em>source says:</em> {html.escape(fact)}"
                                       for fact in item.evidence)
                    change = f"<strong>{item.change}</strong> " if item.change else ""
                    parts.append(f"<dd>{change}{html.escape(item.message)}<br><code>"
                                 f"{html.escape(_where(item))}</code>{evidence}</dd>")
            parts.append("</dl>")
        parts.append("</section>")
    if left:
        parts.append(f"<p>{html.escape(_more(left))}</p>")
    if not findings:
        parts.append("<p>No errors and no gaps found.</p>")
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>govatlas validation report</title><style>"
            "body{font-family:sans-serif;max-width:60em;margin:auto}"
            ".violation h2{color:#a00}.warning h2{color:#a60}.info h2{color:#06a}"
            "dt{font-weight:bold;margin-top:.6em}dd{margin:.2em 0 .4em 1.5em}"
            "code{color:#555;font-size:90%}</style></head><body>"
            + "".join(parts) + "</body></html>\n")


#: The version of the JSON report's layout, checked by ``schemas/validation-report.schema.json``
#: (shipped in the package): a new field raises the minor number, a changed one the major.
JSON_VERSION = "1.0"
JSON_SCHEMA = "https://w3id.org/govatlas/schemas/validation-report-1.schema.json"


def schema_path() -> Path:
    """The JSON Schema of the JSON report, as the package ships it."""
    return Path(__file__).resolve().parent / "schemas" / "validation-report.schema.json"


def as_dicts(findings: list[Finding]) -> list[dict]:
    return [{"severity": f.severity, "gap": f.gap, "shape": f.shape, "shape_name": f.shape_name,
             "focus": f.focus, "focus_label": f.focus_label, "actor": f.actor,
             "actor_label": f.actor_label, "value": f.value, "path": f.path,
             "message": f.message, "record": f.record, "source": f.source,
             "locator": f.locator, "country": f.country, "territory": f.territory,
             "level": f.level, "covers": f.covers, "case": case_id(f),
             "component": f.component, "source_shape": f.source_shape,
             "result_path": f.result_path, "value_term": f.value_term, "change": f.change,
             "evidence": list(f.evidence)} for f in findings]


def render_json(findings: list[Finding], inputs: list[str], cases: list[Case] | None = None,
                coverage: list[Coverage] | None = None) -> str:
    """Every finding with its case, the cases and the coverage; ``conforms`` as SHACL means it
    (no result of any severity), ``valid`` as the exit code does (no error)."""
    import dataclasses

    counts = {severity.lower(): sum(1 for f in findings if f.severity == severity)
              for severity in SEVERITIES}
    return json.dumps({"$schema": JSON_SCHEMA, "version": JSON_VERSION, "inputs": inputs,
                       "conforms": not findings, "valid": counts["violation"] == 0,
                       "counts": counts,
                       "cases": [dataclasses.asdict(case) for case in cases or []],
                       "coverage": [dict(dataclasses.asdict(row), checked=row.checked)
                                    for row in coverage or []],
                       "findings": as_dicts(findings)},
                      ensure_ascii=False, indent=2) + "\n"


def _test_name(finding: Finding) -> str:
    where = finding.record or finding.focus_label or finding.focus
    return f"{where}: {finding.message}"


def _testcase(finding: Finding, classname: str, name: str) -> str:
    record = Record.parse(finding.record) if finding.record else None
    place = (f" file={quoteattr(record.file)}" if record else "") + (
        f' line="{record.line}"' if record and record.line else "")
    head = f"    <testcase classname={quoteattr(classname)} name={quoteattr(name)}{place}>"
    if finding.severity == "Violation":
        body = escape(f"{finding.message} at {_where(finding)}")
        return f"{head}<failure message={quoteattr(finding.message)}>{body}</failure></testcase>"
    note = f"{finding.severity}: {finding.message}"
    return f"{head}<skipped message={quoteattr(note)}/></testcase>"


def render_junit(findings: list[Finding], inputs: list[str],
                 cases: list[Case] | None = None) -> str:
    """JUnit XML for a data repository's CI: a test suite per case, a test per finding.

    Errors fail and gaps are skipped tests (a note, not a failure). Within a suite the
    classname is the case id and each name is the finding's row and message, numbered when
    two would be the same, so no CI server merges two findings into one. ``file`` and ``line``
    point at the row.
    """
    by_case: dict[str, list[Finding]] = {}
    for finding in findings:
        by_case.setdefault(case_id(finding), []).append(finding)
    titles = {case.id: case.title for case in cases or []}
    suites = []
    for identifier, members in by_case.items():
        classname = f"govatlas.{identifier}"
        seen: dict[str, int] = {}
        tests = []
        for finding in members:
            name = _test_name(finding)
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                name = f"{name} (#{seen[name]})"
            tests.append(_testcase(finding, classname, name))
        failures = sum(1 for f in members if f.severity == "Violation")
        suites.append(f"  <testsuite name={quoteattr(titles.get(identifier, identifier))} "
                      f"id={quoteattr(identifier)} tests=\"{len(members)}\" "
                      f"failures=\"{failures}\" errors=\"0\" "
                      f"skipped=\"{len(members) - failures}\">\n" + "\n".join(tests)
                      + "\n  </testsuite>")
    if not findings:
        suites.append('  <testsuite name="govatlas validate" tests="1" failures="0" errors="0" '
                      'skipped="0">\n    <testcase classname="govatlas" '
                      'name="no errors and no gaps"/>\n  </testsuite>')
    failures = sum(1 for f in findings if f.severity == "Violation")
    head = (f'<testsuites name={quoteattr("govatlas validate " + " ".join(inputs))} '
            f'tests="{max(len(findings), 1)}" failures="{failures}" errors="0" '
            f'skipped="{len(findings) - failures}">')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + head + "\n" + "\n".join(suites)
            + "\n</testsuites>\n")


def render_report(findings: list[Finding], inputs: list[str], fmt: str,
                  cases: list[Case] | None = None, coverage: list[Coverage] | None = None,
                  limit: int | None = None) -> str:
    """The report in ``fmt``; the people's formats list at most ``limit`` findings after the
    cases (None: all), the machine formats every finding."""
    if fmt == "table":
        return render_text(findings, inputs, cases, coverage, limit)
    if fmt == "md":
        return render_markdown(findings, inputs, cases, coverage, limit)
    if fmt == "html":
        return render_html(findings, inputs, cases, coverage, limit)
    if fmt == "json":
        return render_json(findings, inputs, cases, coverage)
    if fmt == "ttl":
        return report_graph(findings).serialize(format="turtle")
    if fmt == "junit":
        return render_junit(findings, inputs, cases)
    raise ValueError(f"unknown format '{fmt}': use one of {', '.join(REPORT_FORMATS)}")
