"""The coordinators' one-page HTML dashboard of the certification report: targets, counties, tracks, weekly trend.

:func:`render_dashboard` turns a :class:`~cooperare.reports.certification.CertificationReport` into one
self-contained HTML page in Romanian: inline CSS, charts as inline SVG (each with ``<title>`` and ``<desc>``, and the
same figures in a table with a caption and header cells beside it), no script, no external resource — it reads the
same in a browser, in Moodle's file viewer and offline. Every text that comes from the report (names of counties,
tracks; ultimately registration data, which anyone can fill in) is HTML-escaped, in the page and in the SVG alike.
:func:`weekly_trend` counts certificates issued per ISO week from the report's list of certified people. This module
must not compute the report nor write files.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from cooperare.reports.certification import CertificationReport

ZONE = ZoneInfo("Europe/Bucharest")
MONTHS = ("ianuarie", "februarie", "martie", "aprilie", "mai", "iunie", "iulie", "august", "septembrie",
          "octombrie", "noiembrie", "decembrie")
BAR = "#1f4e79"
"""Bars: 8.9:1 against white."""
TARGET = "#c9d6e3"
LINE = "#a33a00"
"""The cumulative line: 6.6:1 against white."""
INK = "#1a1a1a"


@dataclass(frozen=True)
class Week:
    """One ISO week with certificates issued in it (weeks without any, between the first and the last, included)."""

    year: int
    week: int
    monday: date
    issued: int
    cumulative: int

    @property
    def label(self) -> str:
        return f"{self.year}-S{self.week:02d}"


def e(value: object) -> str:
    """Escaped for HTML text and attribute values (quotes included)."""
    return html.escape(str(value), quote=True)


def ro_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def ro_number(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def ro_percent(share: float) -> str:
    return f"{ro_number(share * 100)} %"


def weekly_trend(report: CertificationReport) -> list[Week]:
    """Certificates issued per ISO week (from the issue dates of the certified list), with the running total."""
    index = next(i for i, column in enumerate(report.people.columns) if column.kind == "date")
    counts: dict[date, int] = {}
    for row in report.people.rows:
        issued = row[index]
        if isinstance(issued, date):
            monday = issued - timedelta(days=issued.weekday())
            counts[monday] = counts.get(monday, 0) + 1
    if not counts:
        return []
    weeks: list[Week] = []
    monday, last, total = min(counts), max(counts), 0
    while monday <= last:
        total += counts.get(monday, 0)
        year, week, _ = monday.isocalendar()
        weeks.append(Week(year, week, monday, counts.get(monday, 0), total))
        monday += timedelta(days=7)
    return weeks


def render_dashboard(report: CertificationReport, *, title: str = "Cooperare digitală pentru dezvoltare locală"
                     ) -> str:
    """The whole page as text (UTF-8 when written)."""
    generated = report.generated_at.astimezone(ZONE)
    share = report.certified / report.target if report.target else 0.0
    weeks = weekly_trend(report)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="ro">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Panou de certificare — {e(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>Panou de certificare <span class=\"sub\">{e(title)}</span></h1>",
        f'<p class="meta">Generat la <time datetime="{e(generated.isoformat(timespec="minutes"))}">'
        f"{e(ro_date(generated.date()))}, ora {generated:%H:%M}</time> (ora României), din registrul "
        "certificatelor eliberate.</p>",
        f'<p class="total" id="total"><strong data-figure="certified">{report.certified}</strong> persoane '
        f'certificate din <strong data-figure="target">{report.target}</strong> vizate '
        f'(<span data-figure="share">{e(ro_percent(share))}</span>).</p>',
        _targets(report),
        _counties(report),
        _trend(weeks),
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


# -- sections ---------------------------------------------------------------------------------------------------


def _targets(report: CertificationReport) -> str:
    rows = "".join(
        f'<tr data-track="{e(t.key)}"><th scope="row">{e(t.name)}</th><td class="n">{t.target}</td>'
        f'<td class="n">{t.certified}</td><td class="n">{e(ro_percent(t.share))}</td></tr>'
        for t in report.tracks)
    total_share = report.certified / report.target if report.target else 0.0
    table = (f'<table id="tabel-trasee"><caption>Certificați față de țintă, pe trasee</caption>'
             '<thead><tr><th scope="col">Traseu</th><th scope="col">Țintă</th><th scope="col">Certificați</th>'
             f'<th scope="col">Realizat</th></tr></thead><tbody>{rows}</tbody>'
             f'<tfoot><tr><th scope="row">Total</th><td class="n">{report.target}</td>'
             f'<td class="n">{report.certified}</td><td class="n">{e(ro_percent(total_share))}</td></tr></tfoot>'
             "</table>")
    bars = [(t.name, t.certified, t.target) for t in report.tracks]
    desc = "; ".join(f"{name}: {done} din {target}" for name, done, target in bars)
    chart = _progress_chart("grafic-trasee", "Certificați față de țintă, pe trasee", desc, bars)
    return (f'<section aria-labelledby="h-trasee"><h2 id="h-trasee">Pe trasee, față de ținte</h2>'
            f'{chart}<div class="scroll">{table}</div></section>')


def _counties(report: CertificationReport) -> str:
    table = report.by_county
    names = {t.key: t.name for t in report.tracks}
    head = "".join(f'<th scope="col">{e(names.get(c.title, c.title))}</th>' for c in table.columns)
    body = "".join(
        "<tr>" + f'<th scope="row">{e(row[0])}</th>' + "".join(f'<td class="n">{e(v)}</td>' for v in row[1:])
        + "</tr>" for row in table.rows)
    if not table.rows:
        body = f'<tr><td colspan="{len(table.columns)}">Niciun certificat eliberat încă.</td></tr>'
    html_table = (f'<table id="tabel-judete"><caption>Certificați pe județe și trasee</caption>'
                  f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    bars = [(str(row[0]), int(row[-1] or 0)) for row in table.rows]
    desc = "; ".join(f"{name}: {count}" for name, count in bars) or "Niciun certificat eliberat încă."
    chart = _bar_chart("grafic-judete", "Certificați pe județe", desc, bars)
    return (f'<section aria-labelledby="h-judete"><h2 id="h-judete">Pe județe</h2>{chart}'
            f'<div class="scroll">{html_table}</div></section>')


def _trend(weeks: list[Week]) -> str:
    rows = "".join(
        f'<tr><th scope="row">{e(w.label)}</th><td>{e(ro_date(w.monday))} – {e(ro_date(w.monday + timedelta(6)))}'
        f'</td><td class="n">{w.issued}</td><td class="n">{w.cumulative}</td></tr>' for w in weeks)
    if not weeks:
        rows = '<tr><td colspan="4">Niciun certificat eliberat încă.</td></tr>'
    table = ('<table id="tabel-saptamani"><caption>Certificate eliberate pe săptămâni (ISO 8601)</caption>'
             '<thead><tr><th scope="col">Săptămâna</th><th scope="col">Perioada</th>'
             '<th scope="col">Eliberate</th><th scope="col">Cumulat</th></tr></thead>'
             f"<tbody>{rows}</tbody></table>")
    desc = "; ".join(f"{w.label}: {w.issued} eliberate, {w.cumulative} în total" for w in weeks) or \
        "Niciun certificat eliberat încă."
    chart = _trend_chart("grafic-saptamani", "Certificate eliberate pe săptămâni și totalul cumulat", desc, weeks)
    return (f'<section aria-labelledby="h-tendinta"><h2 id="h-tendinta">Evoluție pe săptămâni</h2>{chart}'
            f'<div class="scroll">{table}</div></section>')


# -- charts -----------------------------------------------------------------------------------------------------


def _svg(key: str, title: str, desc: str, width: int, height: int, body: str) -> str:
    return (f'<svg id="{e(key)}" role="img" aria-labelledby="{e(key)}-t {e(key)}-d" viewBox="0 0 {width} {height}" '
            f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" '
            f'font-family="DejaVu Sans, Arial, sans-serif" font-size="13">'
            f'<title id="{e(key)}-t">{e(title)}</title><desc id="{e(key)}-d">{e(desc)}</desc>{body}</svg>')


def _progress_chart(key: str, title: str, desc: str, bars: list[tuple[str, int, int]]) -> str:
    """Per track: a pale bar for its target (each track's full width), a dark one for the certified share of it,
    the figures beside; long track names wrap onto two lines."""
    label_w, plot_w, row_h = 360, 360, 40
    body = []
    for i, (name, done, target) in enumerate(bars):
        y = 8 + i * row_h
        filled = plot_w * min(done / target, 1.0) if target else 0.0
        lines = _wrap(name, 44)
        first_y = y + 17 - 8 * (len(lines) - 1)
        label = "".join(f'<tspan x="{label_w - 10}" y="{first_y + 16 * n}">{e(line)}</tspan>'
                        for n, line in enumerate(lines))
        share = ro_percent(done / target) if target else "–"
        body.append(f'<text text-anchor="end" fill="{INK}">{label}</text>'
                    f'<rect x="{label_w}" y="{y + 4}" width="{plot_w}" height="22" fill="{TARGET}"/>'
                    f'<rect x="{label_w}" y="{y + 4}" width="{filled:.1f}" height="22" fill="{BAR}"/>'
                    f'<text x="{label_w + plot_w + 8}" y="{y + 20}" fill="{INK}">{done} din {target} '
                    f"({e(share)})</text>")
    return _svg(key, title, desc, label_w + plot_w + 160, 16 + row_h * len(bars), "".join(body))


def _wrap(text: str, width: int) -> list[str]:
    """At most two lines of about ``width`` characters, broken between words (the rest shortened with "…")."""
    if len(text) <= width:
        return [text]
    cut = text.rfind(" ", 0, width + 1)
    cut = cut if cut > 0 else width
    return [text[:cut].rstrip(), _cut(text[cut:].strip(), width)]


def _bar_chart(key: str, title: str, desc: str, bars: list[tuple[str, int]]) -> str:
    label_w, plot_w, row_h = 220, 560, 22
    top = max((count for _, count in bars), default=1) or 1
    body = []
    for i, (name, count) in enumerate(bars):
        y = 6 + i * row_h
        width = plot_w * count / top
        body.append(f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end" fill="{INK}">{e(_cut(name, 26))}</text>'
                    f'<rect x="{label_w}" y="{y + 2}" width="{width:.1f}" height="16" fill="{BAR}"/>'
                    f'<text x="{label_w + width + 6:.1f}" y="{y + 14}" fill="{INK}">{count}</text>')
    if not bars:
        body.append(f'<text x="10" y="20" fill="{INK}">Niciun certificat eliberat încă.</text>')
    return _svg(key, title, desc, label_w + plot_w + 60, 12 + row_h * max(len(bars), 1), "".join(body))


def _trend_chart(key: str, title: str, desc: str, weeks: list[Week]) -> str:
    """Bars: certificates issued each week (left scale); line: the running total (right scale)."""
    left, right, top_pad, plot_h, width = 56, 64, 30, 220, 820
    plot_w = width - left - right
    body = [f'<text x="{left}" y="16" fill="{BAR}">■ eliberate în săptămână (scala din stânga)</text>',
            f'<text x="{width - right}" y="16" text-anchor="end" fill="{LINE}">— total cumulat (scala din dreapta)'
            "</text>"]
    if weeks:
        most = max(w.issued for w in weeks) or 1
        total = weeks[-1].cumulative or 1
        step = plot_w / len(weeks)
        base = top_pad + plot_h
        body.append(f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="{INK}"/>')
        body.append(f'<text x="{left - 6}" y="{top_pad + 10}" text-anchor="end" fill="{BAR}">{most}</text>'
                    f'<text x="{left - 6}" y="{base}" text-anchor="end" fill="{BAR}">0</text>'
                    f'<text x="{left + plot_w + 6}" y="{top_pad + 10}" fill="{LINE}">{total}</text>')
        points = []
        every = max(1, len(weeks) // 10)
        for i, w in enumerate(weeks):
            x = left + i * step
            h = plot_h * w.issued / most
            body.append(f'<rect x="{x + step * 0.15:.1f}" y="{base - h:.1f}" width="{step * 0.7:.1f}" '
                        f'height="{h:.1f}" fill="{BAR}"><title>{e(w.label)}: {w.issued}</title></rect>')
            points.append(f"{x + step / 2:.1f},{base - plot_h * w.cumulative / total:.1f}")
            if i % every == 0:
                body.append(f'<text x="{x + step / 2:.1f}" y="{base + 18}" text-anchor="middle" font-size="11" '
                            f'fill="{INK}">{e(w.label)}</text>')
        body.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE}" stroke-width="3"/>')
    else:
        body.append(f'<text x="{left}" y="60" fill="{INK}">Niciun certificat eliberat încă.</text>')
    return _svg(key, title, desc, width, top_pad + plot_h + 30, "".join(body))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


STYLE = """
:root{color-scheme:light}
body{margin:0;background:#fff;color:#1a1a1a;font:16px/1.45 "DejaVu Sans",Arial,sans-serif}
main{max-width:1100px;margin:0 auto;padding:1rem 1.25rem 3rem}
h1{font-size:1.6rem;margin:.5rem 0}
h1 .sub{display:block;font-size:1rem;font-weight:normal;color:#3d3d3d}
h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:2px solid #1f4e79}
.meta{color:#3d3d3d}
.total{font-size:1.15rem;background:#eef3f8;padding:.6rem .8rem;border-left:5px solid #1f4e79}
table{border-collapse:collapse;margin:.75rem 0;min-width:50%}
caption{text-align:left;font-weight:bold;padding:.3rem 0}
th,td{border:1px solid #8a8a8a;padding:.25rem .5rem;text-align:left;vertical-align:top}
thead th{background:#dde6f2}
tfoot th,tfoot td{font-weight:bold;background:#f2f2f2}
td.n{text-align:right;font-variant-numeric:tabular-nums}
tbody th{white-space:nowrap}
.scroll{overflow-x:auto}
svg{max-width:100%;height:auto;display:block;margin:.5rem 0}
@media print{h2{break-after:avoid}section{break-inside:avoid}}
""".strip()
