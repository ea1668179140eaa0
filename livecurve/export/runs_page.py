"""The runs table in a saved page: a sortable HTML table with a filter, beside the picture.

``save("x.html")`` of two runs or more puts :func:`table_html` under the picture. It works with
no server and no kernel: clicking a column header sorts by it (again: the other way), the filter
box (a regular expression, or plain text when it is not a valid one, over the label and the
hyperparameters) dims the rows and curves of the runs it does not match, and hovering a row
thickens that run's curves in the SVG (its lines carry ``id="series-<run>-<name>"``; runs drawn
grey in a figure of many runs are one collection and are not picked out).
"""

from __future__ import annotations

import json
from html import escape

from ..model.runs_table import RunsTable

_SCRIPT = """
(() => {
  const table = document.getElementById("lc-runs");
  const body = table.tBodies[0];
  const filter = document.getElementById("lc-filter");
  const lines = (run) => document.querySelectorAll(`[id^="series-${run}-"], [id^="best-${run}-"]`);
  let order = {key: null, down: false};
  table.tHead.addEventListener("click", (event) => {
    const th = event.target.closest("th"); if (!th) return;
    const col = th.cellIndex;
    order = {key: col, down: order.key === col ? !order.down : false};
    const rows = [...body.rows];
    const value = (row) => row.cells[col].dataset.v;
    rows.sort((a, b) => {
      const x = value(a), y = value(b);
      if (x === "" || y === "") return (x === "") - (y === "");
      const nx = Number(x), ny = Number(y);
      const c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return order.down ? -c : c;
    });
    body.append(...rows);
  });
  const match = (text) => {
    try { const re = new RegExp(text, "i"); return (s) => re.test(s); }
    catch (e) { const t = text.toLowerCase(); return (s) => s.toLowerCase().includes(t); }
  };
  filter.addEventListener("input", () => {
    const test = match(filter.value);
    for (const row of body.rows) {
      const on = !filter.value || test(row.dataset.text);
      row.style.opacity = on ? "" : "0.35";
      for (const el of lines(row.dataset.run)) el.style.opacity = on ? "" : "0.15";
    }
  });
  body.addEventListener("mouseover", (event) => {
    const row = event.target.closest("tr"); if (!row) return;
    for (const el of lines(row.dataset.run)) el.classList.add("lc-hover");
  });
  body.addEventListener("mouseout", (event) => {
    const row = event.target.closest("tr"); if (!row) return;
    for (const el of lines(row.dataset.run)) el.classList.remove("lc-hover");
  });
})();
"""

_STYLE = """
#lc-runs { border-collapse: collapse; font-size: 13px; }
#lc-runs th { cursor: pointer; background: #f3f3f3; position: sticky; top: 0; }
#lc-runs th, #lc-runs td { padding: 2px 8px; border-bottom: 1px solid #e4e4e4; text-align: right; }
#lc-runs .text { text-align: left; }
#lc-runs tbody tr:hover { background: #fff6d8; }
.lc-hover path { stroke-width: 4px !important; }
"""


def _cell(value: object) -> tuple[str, str]:
    """The cell's shown text and its sort value."""
    if value is None or value == "":
        return "", ""
    if isinstance(value, float):
        return f"{value:.4g}", repr(value)
    return str(value), str(value)


def table_html(table: RunsTable) -> str:
    """The runs table as a ``<table>`` with its filter box, style and script."""
    head = "".join(
        f"<th{' class=text' if c.kind == 'text' else ''} title='sort by {escape(c.key)}'>"
        f"{escape(c.key)}</th>"
        for c in table.columns
    )
    rows = []
    for row in table.rows:
        text = " ".join(
            [str(row.get("run", ""))]
            + [f"{c.key}={row.get(c.key)}" for c in table.columns if c.group == "param"]
        )
        cells = []
        for column in table.columns:
            shown, value = _cell(row.get(column.key))
            kind = " class='text'" if column.kind == "text" else ""
            cells.append(f"<td{kind} data-v='{escape(value)}'>{escape(shown)}</td>")
        rows.append(
            f"<tr data-run='{row['index']}' data-text='{escape(text)}'>{''.join(cells)}</tr>"
        )
    objective = escape(table.objective.describe()) if table.objective else ""
    return (
        f"<style>{_STYLE}</style>\n<h3>Runs</h3>\n"
        "<p><input id='lc-filter' placeholder='filter runs: regex or text over label and "
        f"hyperparameters' size='50'> <small>rank: {objective}</small></p>\n"
        f"<table id='lc-runs'><thead><tr>{head}</tr></thead><tbody>\n"
        + "\n".join(rows)
        + f"\n</tbody></table>\n<script>{_SCRIPT}</script>\n"
        f"<script type='application/json' id='lc-runs-data'>"
        f"{escape(json.dumps(table.as_json()), quote=False)}</script>\n"
    )
