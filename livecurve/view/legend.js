// livecurve's legend under a panel (see legend.py). It runs in the browser, so a click shows or
// hides a series while the kernel is busy training; the change is also sent to the kernel, which
// applies it when it is free (saved pictures then leave the series out).

const strip = (ref) => (typeof ref === "string" && ref.startsWith("IPY_MODEL_") ? ref.slice(10) : ref);
const resolve = (model, ref) =>
  ref && typeof ref === "object" && ref.get ? ref : model.widget_manager.get_model(strip(ref));
const SVG = "http://www.w3.org/2000/svg";

function swatch(colour, dashed) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("width", "30");
  svg.setAttribute("height", "12");
  svg.setAttribute("aria-hidden", "true");
  const line = document.createElementNS(SVG, "line");
  for (const [k, v] of Object.entries({ x1: 1, y1: 6, x2: 29, y2: 6, "stroke-width": 2.5 }))
    line.setAttribute(k, String(v));
  line.setAttribute("stroke", colour);
  if (dashed) line.setAttribute("stroke-dasharray", "6,4");
  svg.appendChild(line);
  return svg;
}

export default {
  async render({ model, el }) {
    const root = document.createElement("div");
    root.className = "lc-legend";
    el.appendChild(root);
    let marks = {};
    let loading = Promise.resolve();

    const shown = (id) => (model.get("shown") || {})[id] !== false;
    // Point every mark of a series at its checkbox's state (marks made later included).
    function applyMarks() {
      for (const [id, list] of Object.entries(marks))
        for (const m of list)
          if (m.get("visible") !== shown(id)) { m.set("visible", shown(id)); m.save_changes(); }
    }
    function loadMarks() {
      const raw = model.get("marks") || {};
      loading = Promise.all(Object.entries(raw).map(async ([id, refs]) =>
        [id, await Promise.all(refs.map((r) => resolve(model, r)))]))
        .then((pairs) => { marks = Object.fromEntries(pairs); applyMarks(); });
      return loading;
    }
    // With many runs the entries of the runs the ranking does not name are "folded": they go
    // under one "+ N more runs" line (a closed <details>), still there to tick and untick.
    let moreOpen = false;
    function entryEl(entry) {
      const label = document.createElement("label");
      label.className = "lc-entry";
      label.title = entry.label;
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = shown(entry.id);
      box.addEventListener("change", async () => {
        model.set("shown", { ...(model.get("shown") || {}), [entry.id]: box.checked });
        model.save_changes();
        await loading;
        applyMarks();
      });
      const name = document.createElement("span");
      name.textContent = entry.label;  // text, never markup
      label.append(box, swatch(entry.colour, entry.dashed), name);
      return label;
    }
    function draw() {
      const entries = model.get("entries") || [];
      const children = entries.filter((e) => !e.folded).map(entryEl);
      const folded = entries.filter((e) => e.folded);
      if (folded.length) {
        const runs = new Set(folded.map((e) => e.id.split(":")[0])).size;
        const more = document.createElement("details");
        more.className = "lc-legend-more";
        more.open = moreOpen;
        more.addEventListener("toggle", () => { moreOpen = more.open; });
        const summary = document.createElement("summary");
        summary.textContent = `+ ${runs} more run${runs === 1 ? "" : "s"} (see the runs table)`;
        const list = document.createElement("div");
        list.className = "lc-legend";
        list.append(...folded.map(entryEl));
        more.append(summary, list);
        children.push(more);
      }
      root.replaceChildren(...children);
    }
    const onShown = () => { draw(); applyMarks(); };
    model.on("change:entries", draw);
    model.on("change:shown", onShown);
    model.on("change:marks", loadMarks);
    draw();
    await loadMarks();
    return () => {
      model.off("change:entries", draw);
      model.off("change:shown", onShown);
      model.off("change:marks", loadMarks);
    };
  },
};
