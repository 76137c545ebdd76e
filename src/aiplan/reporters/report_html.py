"""``aiplan report --format html``: the decision report as one self-contained page.

No external asset, no script, no event handler: the styles are inline, the
charts are inline SVG, and a Content-Security-Policy meta tag forbids loading
or running anything else (``default-src 'none'``). Every piece of plan
content is escaped (text and attribute values, after control and invisible
characters are made visible), so a plan holding HTML, a script or a
10,000-character value shows as text, wrapped to the page.
"""

from __future__ import annotations

import html

from aiplan import __version__
from aiplan.core.findings import FIX_LABEL, Severity
from aiplan.reporters.decision import PlanDecision
from aiplan.reporters import inert_xml
from aiplan.reporters.report_markdown import PRESENT, number, resolution, scale_of, title, verdict
from aiplan.reporters.text import visible

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
STYLE = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:72rem;
padding:0 1rem;color:#1f2328;background:#fff}
h1{font-size:1.6rem}h2{font-size:1.3rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem;margin-top:2.5rem}
h3{font-size:1.05rem;margin-top:1.5rem}
table{border-collapse:collapse;margin:.5rem 0;width:100%;table-layout:auto}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}
td,p,li,h2,code{overflow-wrap:anywhere}
code.kw,th{overflow-wrap:normal;white-space:nowrap}td.n{white-space:nowrap}
code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f6f8fa;padding:.05rem .25rem;border-radius:4px}
.agrees{color:#1a7f37;font-weight:600}.differs{color:#cf222e;font-weight:600}.unknown{color:#6e7781;font-weight:600}
.error{color:#cf222e}.warning{color:#9a6700}.info{color:#0969da}
ul.findings{padding-left:1.2rem}ul.findings li{margin:.25rem 0}
svg{display:block}
"""
SEVERITY_LABEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}


def text(value: object) -> str:
    """Plan content as HTML text or attribute value: control, invisible and
    bidirectional characters made visible first, then every markup character escaped."""
    return html.escape(visible(str(value)), quote=True)


def code(value: object) -> str:
    return f"<code>{text(value)}</code>"


def keyword(value: str | None, limit: int = 40) -> str:
    """A value the schema keeps short (approach, status): never broken inside a
    word; an overlong one (an invalid plan) is shortened, its findings say the rest."""
    if value is None:
        return "—"
    shown = value if len(value) <= limit else value[:limit - 1] + "\u2026"
    return f'<code class="kw">{text(shown)}</code>'


def chart(metric) -> str:
    """A small inline SVG: the baseline as a bar, the target as a mark, on one scale."""
    if metric.baseline is None or metric.target is None:
        return ""
    width, height, scale = 160, 18, scale_of(metric)

    def x(value: float) -> float:
        return round(max(0.0, min(1.0, value / scale)) * width, 1)

    colour = "#1a7f37" if metric.met else "#9a6700"
    label = text(f"{metric.name}: baseline {metric.baseline:g}, target {metric.target:g}")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
            f'aria-label="{label}" class="chart"><title>{label}</title>'
            f'<rect x="0" y="4" width="{width}" height="10" fill="#eaeef2"/>'
            f'<rect class="baseline" x="0" y="4" width="{x(metric.baseline)}" height="10" fill="{colour}"/>'
            f'<rect class="target" x="{max(0.0, x(metric.target) - 1)}" y="0" width="2" height="{height}" fill="#1f2328"/>'
            "</svg>")


def _plan(d: PlanDecision, anchor: str) -> list[str]:
    out = [f'<section class="plan" id="{anchor}">', f"<h2>{text(title(d))}</h2>"]
    facts = [f"file {code(d.path)}" + (f" (document {d.document + 1})" if d.document else "")]
    if d.status:
        facts.append(f"status {keyword(d.status)}")
    if d.owner:
        facts.append(f"owner {code(d.owner)}")
    out.append(f"<p>{' · '.join(facts)}</p>")
    state = {True: "agrees", False: "differs", None: "unknown"}[d.agrees]
    pointed = keyword(d.pointer.approach) if d.pointer.approach else "nothing yet"
    out.append(f'<p class="decision"><strong>Decision:</strong> chosen {keyword(d.approach or "none stated")}; '
               f"the framework points to {pointed} ({text(d.pointer.reason)}): "
               f'<span class="{state}">{text(verdict(d))}</span>.</p>')
    if d.gaps:
        out += ["<h3>Gaps</h3>", "<table class=\"gaps\"><tr><th>gap</th><th>present</th><th>evidence</th></tr>"]
        out += [f'<tr><td class="n">{text(g.name)}</td><td class="n">{PRESENT[g.present]}</td>'
                f"<td>{text(g.evidence) if g.evidence else '—'}</td></tr>" for g in d.gaps]
        out.append("</table>")
    out.append("<h3>Baseline and targets</h3>")
    out.append(f"<p>Prompt-engineering baseline: {code(d.baseline_status) if d.baseline_status else 'not stated'}.</p>")
    if d.metrics:
        out.append('<table class="metrics"><tr><th>metric</th><th>baseline</th><th>target</th><th>chart</th>'
                   "<th>evaluation set</th><th>can it resolve the change?</th></tr>")
        for m in d.metrics:
            where = (code(m.eval_set) + (f" ({m.set_size} items)" if m.set_size is not None else "")) if m.eval_set else "—"
            out.append(f"<tr><td>{code(m.name)}</td><td>{text(number(m.baseline))}</td><td>{text(number(m.target))}</td>"
                       f"<td>{chart(m)}</td><td>{where}</td><td>{text(resolution(m).replace('**', ''))}</td></tr>")
        out.append("</table>")
    out += ["<h3>Evaluation</h3>", f'<p class="evaluation">{text(d.evaluation)}</p>', "<h3>Findings</h3>"]
    if not d.sections:
        out.append("<p>No findings.</p>")
    for section, findings in d.sections:
        out.append(f"<h4>{code(section)} ({len(findings)})</h4>")
        out.append('<ul class="findings">')
        for f in findings:
            label = SEVERITY_LABEL[f.severity]
            fix = f"<br>{FIX_LABEL} {text(f.fix)}" if f.fix else ""
            out.append(f'<li class="{label}"><strong>{text(f.rule)}</strong> [{label}] line {f.line}: '
                       f"{text(f.message)}{fix}</li>")
        out.append("</ul>")
    out.append("</section>")
    return out


def render(decisions: list[PlanDecision]) -> str:
    errors = sum(d.count(Severity.ERROR) for d in decisions)
    warnings = sum(d.count(Severity.WARNING) for d in decisions)
    files = len({d.path for d in decisions})
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f'<meta name="generator" content="aiplan {text(__version__)}">',
           "<title>aiplan decision report</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
           "<h1>aiplan decision report</h1>",
           f'<p class="totals">{len(decisions)} plan{"s" * (len(decisions) != 1)} in {files} '
           f'file{"s" * (files != 1)}: {errors} error{"s" * (errors != 1)}, {warnings} '
           f'warning{"s" * (warnings != 1)}.</p>']
    anchors = [f"plan-{index + 1}" for index in range(len(decisions))]
    if len(decisions) > 1:
        out.append('<table class="portfolio"><tr><th>plan</th><th>file</th><th>approach</th>'
                   "<th>framework points to</th><th>status</th><th>errors</th><th>warnings</th></tr>")
        for d, anchor in zip(decisions, anchors):
            out.append(f'<tr><td><a href="#{anchor}">{text(title(d))}</a></td><td>{code(d.path)}</td>'
                       f"<td>{keyword(d.approach)}</td><td>{keyword(d.pointer.approach)} ({text(verdict(d))})</td>"
                       f'<td>{keyword(d.status)}</td><td class="n">{d.count(Severity.ERROR)}</td>'
                       f'<td class="n">{d.count(Severity.WARNING)}</td></tr>')
        out.append("</table>")
    for d, anchor in zip(decisions, anchors):
        out += _plan(d, anchor)
    out += ["</body>", "</html>"]
    # Printed to a CI log, the page must not run a command either (character references keep the text).
    return inert_xml("\n".join(out) + "\n")
