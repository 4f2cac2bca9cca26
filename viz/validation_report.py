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
from xml.sax.saxutils import escape, quoteattr

import rdflib
from rdflib.namespace import RDF, SH

from govatlas.graph.validation.cases import Case, case_id
from govatlas.graph.validation.coverage import Coverage
from govatlas.graph.validation.gaps import SEVERITIES, Finding
from govatlas.ontology.namespaces import GAP

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
    counts = {severity: sum(1 for f in findings if f.severity == severity and
                            (f.is_gap or severity == "Violation"))
              for severity in SEVERITIES}
    data_warnings = sum(1 for f in findings if f.severity == "Warning" and not f.is_gap)
    noticed = f"{data_warnings} data warning(s), " if data_warnings else ""
    return (f"{counts['Violation']} error(s), {noticed}{counts['Warning']} gap warning(s), "
            f"{counts['Info']} gap note(s)")


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
                    lines.append(f"    - {item.message}{column}")
                    lines.append(f"      at {_where(item)}")
                    lines.extend(f"      source says: {fact}" for fact in item.evidence)
        lines.append("")
    if left:
        lines += [_more(left), ""]
    if not findings:
        lines.append("No errors and no gaps found.")
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
                    lines.append(f"  - {md(item.message)} — `{md(_where(item))}`")
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
                    parts.append(f"<dd>{html.escape(item.message)}<br><code>"
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


def as_dicts(findings: list[Finding]) -> list[dict]:
    return [{"severity": f.severity, "gap": f.gap, "shape": f.shape, "shape_name": f.shape_name,
             "focus": f.focus, "focus_label": f.focus_label, "actor": f.actor,
             "actor_label": f.actor_label, "value": f.value, "path": f.path,
             "message": f.message, "record": f.record, "source": f.source,
             "locator": f.locator, "country": f.country, "territory": f.territory,
             "level": f.level, "covers": f.covers, "case": case_id(f),
             "evidence": list(f.evidence)} for f in findings]


def render_json(findings: list[Finding], inputs: list[str], cases: list[Case] | None = None,
                coverage: list[Coverage] | None = None) -> str:
    import dataclasses

    counts = {severity.lower(): sum(1 for f in findings if f.severity == severity)
              for severity in SEVERITIES}
    return json.dumps({"inputs": inputs, "conforms": counts["violation"] == 0,
                       "counts": counts,
                       "cases": [dataclasses.asdict(case) for case in cases or []],
                       "coverage": [dict(dataclasses.asdict(row), checked=row.checked)
                                    for row in coverage or []],
                       "findings": as_dicts(findings)},
                      ensure_ascii=False, indent=2) + "\n"


def report_graph(findings: list[Finding]) -> rdflib.Graph:
    """The standard SHACL validation report (sh:ValidationReport) for the findings."""
    graph = rdflib.Graph()
    graph.bind("sh", SH)
    graph.bind("gap", GAP)
    report = rdflib.BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, rdflib.Literal(
        not any(f.severity == "Violation" for f in findings))))
    for finding in findings:
        result = rdflib.BNode()
        graph.add((report, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        graph.add((result, SH.resultSeverity, SH[finding.severity]))
        focus = (rdflib.URIRef(finding.focus) if finding.focus.startswith("http")
                 else rdflib.Literal(finding.focus))
        graph.add((result, SH.focusNode, focus))
        graph.add((result, SH.resultMessage, rdflib.Literal(finding.message)))
        if finding.shape.startswith("http"):
            graph.add((result, SH.sourceShape, rdflib.URIRef(finding.shape)))
        if finding.value:
            value = (rdflib.URIRef(finding.value) if finding.value.startswith("http")
                     else rdflib.Literal(finding.value))
            graph.add((result, SH.value, value))
        if finding.gap:
            graph.add((result, rdflib.URIRef("https://w3id.org/govatlas/ontology#gap"),
                       rdflib.URIRef(GAP + finding.gap)))
    return graph


def render_junit(findings: list[Finding], inputs: list[str]) -> str:
    """JUnit XML: one test case per shape and focus; violations fail, gaps are skipped notes."""
    cases = []
    for finding in findings:
        name = quoteattr(f"{finding.focus_label or finding.focus}")
        classname = quoteattr(f"govatlas.{(finding.gap or 'data-quality')}")
        body = escape(f"{finding.message} at {_where(finding)}")
        if finding.severity == "Violation":
            cases.append(f"  <testcase classname={classname} name={name}>"
                         f"<failure message={quoteattr(finding.message)}>{body}</failure>"
                         "</testcase>")
        else:
            cases.append(f"  <testcase classname={classname} name={name}>"
                         f"<skipped message={quoteattr(finding.severity + ': ' + finding.message)}"
                         f"/></testcase>")
    failures = sum(1 for f in findings if f.severity == "Violation")
    skipped = len(findings) - failures
    header = (f'<testsuite name={quoteattr("govatlas validate " + " ".join(inputs))} '
              f'tests="{max(len(findings), 1)}" failures="{failures}" skipped="{skipped}">')
    if not findings:
        cases.append('  <testcase classname="govatlas" name="no errors and no gaps"/>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n' + header + "\n"
            + "\n".join(cases) + "\n</testsuite>\n</testsuites>\n")


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
        return render_junit(findings, inputs)
    raise ValueError(f"unknown format '{fmt}': use one of {', '.join(REPORT_FORMATS)}")
