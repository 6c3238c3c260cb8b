"""HTML pieces of the report: one self-contained page (inline CSS, PNGs
embedded as base64 data URIs, no scripts, nothing fetched)."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from html import escape

CSS = """
:root { --ink:#1f2937; --muted:#6b7280; --line:#e5e7eb; --bg:#f8fafc; --card:#ffffff; --accent:#2563eb; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
       font: 15px/1.55 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 32px 28px 48px; }
header.page { border-bottom: 3px solid var(--accent); margin-bottom: 24px; padding-bottom: 12px; }
h1 { font-size: 28px; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 21px; margin: 36px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 22px 0 6px; }
p { margin: 6px 0 10px; }
.meta, .explain { color: var(--muted); font-size: 13.5px; }
.explain { max-width: 820px; }
figure { margin: 10px 0 18px; background: var(--card); border: 1px solid var(--line); border-radius: 10px;
         padding: 12px; }
figure img { display: block; width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; }
table { border-collapse: collapse; width: 100%; background: var(--card); border: 1px solid var(--line);
        border-radius: 10px; overflow: hidden; font-size: 13.5px; margin: 8px 0 16px; }
th, td { padding: 7px 10px; text-align: left; border-bottom: 1px solid var(--line); }
th { background: #f1f5f9; font-weight: 600; color: #334155; }
tr:last-child td { border-bottom: none; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 10px 0 14px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 10px 16px;
        min-width: 150px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 22px; font-weight: 700; }
.formula { background: #eef2ff; border-left: 4px solid var(--accent); padding: 10px 14px; border-radius: 6px;
           margin: 8px 0 14px; font-size: 14px; }
.formula b { display: block; margin-bottom: 2px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; }
.badge.complete { background: #dcfce7; color: #166534; }
.badge.interrupted { background: #fef3c7; color: #92400e; }
.badge.running { background: #dbeafe; color: #1e40af; }
section.session { margin-top: 28px; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.grid figure { margin: 6px 0; }
.cards.small .card { padding: 6px 12px; min-width: 120px; }
.cards.small .value { font-size: 17px; }
section.summary { background: var(--card); border: 1px solid var(--line); border-radius: 12px;
                  padding: 4px 20px 10px; }
section.summary h2 { margin-top: 12px; }
.next { background: #f0fdf4; border-left: 4px solid #16a34a; border-radius: 6px; padding: 8px 14px;
        margin: 8px 0 12px; font-size: 15px; }
.next ul { margin: 4px 0 0; padding-left: 20px; }
.next li { margin: 2px 0; }
figure.snapshot img { max-height: 320px; width: auto; margin: 0 auto; }
@media (max-width: 760px) { .grid { grid-template-columns: 1fr; } }
@page { size: A4; margin: 12mm; }
@media print {
  body { background: white; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  h2.break { break-before: page; }
  figure, table, .cards, .next, .formula, h3 { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  section.summary { border: none; padding: 0; }
  figure { border: none; padding: 0; }
}
footer { margin-top: 40px; color: var(--muted); font-size: 12.5px; border-top: 1px solid var(--line);
         padding-top: 10px; }
"""


def esc(x: object) -> str:
    return escape(str(x), quote=True)


def img(png: bytes, alt: str, cls: str = "plot") -> str:
    """An embedded PNG (``cls`` ``plot``: a chart, ``snapshot``: a skeleton)."""
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="{esc(cls)}" alt="{esc(alt)}" src="data:image/png;base64,{data}">'


def figure(png: bytes, alt: str, caption: str, cls: str = "plot") -> str:
    klass = f' class="{esc(cls)}"' if cls != "plot" else ""
    return f"<figure{klass}>{img(png, alt, cls)}<figcaption>{esc(caption)}</figcaption></figure>"


def badge(status: str) -> str:
    return f'<span class="badge {esc(status)}">{esc(status)}</span>'


def cards(pairs: Iterable[tuple[str, str]], small: bool = False) -> str:
    body = "".join(
        f'<div class="card"><div class="label">{esc(k)}</div><div class="value">{esc(v)}</div></div>'
        for k, v in pairs
    )
    return f'<div class="cards{" small" if small else ""}">{body}</div>'


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[int] = (),
          raw: Sequence[int] = ()) -> str:
    """A table; columns in ``numeric`` are right-aligned, cells of columns
    in ``raw`` are trusted HTML (already escaped)."""
    num = set(numeric)
    head = "".join(f'<th class="num">{esc(h)}</th>' if i in num else f"<th>{esc(h)}</th>"
                   for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = []
        for i, c in enumerate(row):
            text = c if i in raw else esc(c)
            cells.append(f'<td class="num">{text}</td>' if i in num else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )
