// livecurve's legend under a panel (see legend.py). It runs in the browser, so a click shows or
// hides a series while the kernel is busy training; the change is also sent to the kernel, which
// applies it when it is free (saved pictures then leave the series out).

const SVG = "http://www.w3.org/2000/svg";

// A line style (bqplot's names) as an SVG dash pattern; a marker (compared runs: a group's
// member, see style.member_style) as a small path in the sample's middle.
const DASHES = { dashed: "6,4", dotted: "2,3", dash_dotted: "6,3,2,3" };
const SHAPES = {
  circle: "M15,2.5a3.5,3.5 0 1,0 0.01,0Z", square: "M12,3h6v6h-6Z", "triangle-up": "M15,2l4,7h-8Z",
  "triangle-down": "M15,10l4,-7h-8Z", cross: "M13.5,2h3v2.5h2.5v3h-2.5v2.5h-3v-2.5h-2.5v-3h2.5Z",
};

function swatch(colour, dashed, lineStyle, marker) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("width", "30");
  svg.setAttribute("height", "12");
  svg.setAttribute("aria-hidden", "true");
  const line = document.createElementNS(SVG, "line");
  for (const [k, v] of Object.entries({ x1: 1, y1: 6, x2: 29, y2: 6, "stroke-width": 2.5 }))
    line.setAttribute(k, String(v));
  line.setAttribute("stroke", colour);
  const dash = DASHES[lineStyle || (dashed ? "dashed" : "solid")];
  if (dash) line.setAttribute("stroke-dasharray", dash);
  svg.appendChild(line);
  if (marker && SHAPES[marker]) {
    const shape = document.createElementNS(SVG, "path");
    shape.setAttribute("d", SHAPES[marker]);
    shape.setAttribute("fill", dashed ? "white" : colour);
    shape.setAttribute("stroke", colour);
    shape.setAttribute("stroke-width", "1.2");
    svg.appendChild(shape);
  }
  return svg;
}

export default {
  render: detached(async ({ model, el }) => {
    const root = document.createElement("div");
    root.className = "lc-legend";
    el.appendChild(root);
    // Whether a series is shown belongs to the figure's visibility model (visibility.js hides
    // the marks); this legend reads and writes it.
    const vis = await resolve(model, model.get("visibility"));
    const shown = (id) => (vis.get("shown") || {})[id] !== false;

    // One entry per series, made once and updated in place: a redraw never replaces a checkbox
    // a person may be pressing (a press and a release on different elements is no click).
    const items = new Map();  // id -> {label, box, swatch, name, colour, dashed}
    function item(entry) {
      let it = items.get(entry.id);
      if (it) return it;
      const label = document.createElement("label");
      label.className = "lc-entry";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.addEventListener("change", () => {
        vis.set("shown", { ...(vis.get("shown") || {}), [entry.id]: box.checked });
        vis.save_changes();
      });
      const name = document.createElement("span");
      label.append(box, name);
      it = { label, box, name, swatch: null, colour: null, dashed: null };
      items.set(entry.id, it);
      return it;
    }
    // Place `wanted` as `parent`'s children, moving only what changed: nothing is rebuilt.
    function place(parent, wanted) {
      const now = [...parent.childNodes];
      if (wanted.length === now.length && wanted.every((n, i) => n === now[i])) return;
      const keep = new Set(wanted);  // 800 folded entries at 200 runs: no n² scan
      for (const n of now) if (!keep.has(n)) n.remove();
      wanted.forEach((n, i) => {
        if (parent.childNodes[i] !== n) parent.insertBefore(n, parent.childNodes[i] || null);
      });
    }
    function update(entry) {
      const it = item(entry);
      if (it.name.textContent !== entry.label) {
        it.name.textContent = entry.label;  // text, never markup
        it.label.title = entry.label;
      }
      const look = `${entry.dashed} ${entry.line_style || ""} ${entry.marker || ""}`;
      if (it.colour !== entry.colour || it.dashed !== look) {
        const sw = swatch(entry.colour, entry.dashed, entry.line_style, entry.marker);
        if (it.swatch) it.swatch.replaceWith(sw); else it.box.after(sw);
        Object.assign(it, { swatch: sw, colour: entry.colour, dashed: look });
      }
      const on = shown(entry.id);
      if (it.box.checked !== on) it.box.checked = on;
      return it.label;
    }
    // With many runs the entries of the runs the ranking does not name are "folded": they go
    // under one "+ N more runs" line (a <details> made once, so it stays open or closed across
    // redraws), still there to tick and untick.
    const more = document.createElement("details");
    more.className = "lc-legend-more";
    const summary = document.createElement("summary");
    const moreList = document.createElement("div");
    moreList.className = "lc-legend";
    more.append(summary, moreList);
    // The kernel sends the entries in blocks of runs (a new trial changes its block's only).
    let blocks = [];
    const hooked = new WeakSet();
    async function load() {
      blocks = await blocksOf(model, hooked, "change:entries", draw);
      draw();
    }
    function draw() {
      const entries = blocks.flatMap((b) => b.get("entries") || []);
      const open = entries.filter((e) => !e.folded).map(update);
      const folded = entries.filter((e) => e.folded);
      if (folded.length) {
        const runs = new Set(folded.map((e) => e.id.split(":")[0])).size;
        const text = `+ ${runs} more run${runs === 1 ? "" : "s"} (see the runs table)`;
        if (summary.textContent !== text) summary.textContent = text;
        place(moreList, folded.map(update));
        open.push(more);
      }
      place(root, open);
    }
    model.on("change:blocks", load);
    vis.on("change:shown", draw);
    await load();
    return () => {
      model.off("change:blocks", load);
      vis.off("change:shown", draw);
      for (const b of blocks) b.off("change:entries", draw);
    };
  }),
};
