// livecurve's visibility (see visibility.py): the one owner of which series and runs are shown.
// initialize() runs once per model, displayed or not: it alone sets the marks' "visible" in the
// browser (a series is drawn when it and its run are ticked), so legends and the run bar only
// change "shown". render() draws the run bar. Both work while the kernel is busy training.

const SVG = "http://www.w3.org/2000/svg";

export const isShown = (model, id) => (model.get("shown") || {})[id] !== false;
export const drawn = (model, id) => isShown(model, id) && isShown(model, "run:" + id.split(":", 1)[0]);
export function toggle(model, id, on) {
  model.set("shown", { ...(model.get("shown") || {}), [id]: on });
  model.save_changes();
}

function swatch(colour) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("width", "30"); svg.setAttribute("height", "12"); svg.setAttribute("aria-hidden", "true");
  const line = document.createElementNS(SVG, "line");
  for (const [k, v] of Object.entries({ x1: 1, y1: 6, x2: 29, y2: 6, "stroke-width": 2.5 })) line.setAttribute(k, String(v));
  line.setAttribute("stroke", colour);
  svg.appendChild(line);
  return svg;
}

// Many runs: a panel's runs not named are the rows of one grey Lines mark per split. A row is
// drawn (its opacity) unless its checkbox or its run's is unticked, or the runs table shows that
// run by its own marks (m.__lcLit: run indices; m.__lcBase: the faded opacity while filtering).
// The runs table calls m.__lcPaint() after changing those. Local only: the kernel sends its own.
function paintGrey(model, m) {
  const rows = m.__lcRows || [];
  const lit = m.__lcLit || new Set();
  const base = m.__lcBase ?? model.get("grey_opacity");
  // Painted already from the same rows, checkboxes and lit runs (the runs table repaints every
  // grey mark at each of its redraws; a new trial changes one block's).
  const state = [rows, model.get("shown"), base, [...lit].join(",")];
  const was = m.__lcPainted;
  m.__lcPainted = state;
  if (was && state.every((v, i) => v === was[i])) return;
  const want = rows.map((id) => (drawn(model, id) && !lit.has(id.split(":", 1)[0]) ? base : 0));
  const now = m.get("opacities") || [];
  if (want.length !== now.length || want.some((o, i) => o !== now[i])) {
    m.__lcPainting = true;
    try { setLocal(m, { opacities: want }); } finally { m.__lcPainting = false; }
  }
}

// The grey marks are drawn under every other mark of their figure. The kernel lists a grey
// block made after the figure was first drawn at the end of the figure's marks (put before the
// named runs' marks, bqplot would build all of theirs again), so each figure view's marks group
// is kept with the grey marks' elements first, in their order, whenever its children change.
const GREYS = new WeakMap();  // figure model -> its grey mark models, in order
async function greyFirst(figure, group) {
  const els = [];
  for (const m of GREYS.get(figure) || [])
    for (const v of await Promise.all(Object.values(m.views || {})))
      if (v && v.el && v.el.parentNode === group) els.push(v.el);
  els.forEach((el, i) => { if (group.children[i] !== el) group.insertBefore(el, group.children[i] || null); });
}
function keepGreyFirst(figure, tries = 20) {
  const views = Object.values(figure.views || {});
  if (!views.length && tries > 0) setTimeout(() => keepGreyFirst(figure, tries - 1), 500);  // not shown yet
  for (const view of views) Promise.resolve(view).then((fv) => {
    const group = fv && fv.fig_marks && fv.fig_marks.node ? fv.fig_marks.node() : null;
    if (!group) return;
    if (!group.__lcGreyFirst) {
      group.__lcGreyFirst = new MutationObserver(() => greyFirst(figure, group));
      group.__lcGreyFirst.observe(group, { childList: true });
    }
    greyFirst(figure, group);
  });
}

export default {
  initialize({ model }) {
    let marks = {};
    let grey = [];
    function paintAll() { for (const m of grey) paintGrey(model, m); }
    async function loadGrey() {
      const raw = model.get("grey") || [];
      const found = await Promise.all(raw.map(async ([figure, mark, rows]) => {
        const m = await resolve(model, mark);
        const had = m.__lcRows;  // kept while the same: paintGrey compares it by identity
        if (!had || had.length !== rows.length || had.some((id, i) => id !== rows[i])) m.__lcRows = rows;
        m.__lcFigure = await resolve(model, figure);
        if (!m.__lcPaint) {
          m.__lcPaint = () => paintGrey(model, m);
          // The kernel sent new rows or opacities: hide and highlight again, once the change is
          // done (a set inside a change event hides x and y from bqplot's update_data).
          m.on("change:opacities change:y", () => {
            if (m.__lcPainting) return;
            m.__lcPainted = null;  // the kernel's opacities: paint again, whatever the state
            Promise.resolve().then(m.__lcPaint);
          });
        }
        return m;
      }));
      grey = found;
      paintAll();
      const figures = new Map();
      for (const m of found) figures.set(m.__lcFigure, [...(figures.get(m.__lcFigure) || []), m]);
      for (const [figure, marks] of figures) { GREYS.set(figure, marks); keepGreyFirst(figure); }
    }
    // Every entry's marks follow the checkboxes; `ids`: only those entries' (new marks).
    function apply(ids) {
      for (const id of ids || Object.keys(marks)) {
        const on = drawn(model, id);
        for (const m of marks[id] || []) if (m.get("visible") !== on) { m.set("visible", on); m.save_changes(); }
      }
    }
    const applyAll = () => apply();
    // Each entry's marks, sent in blocks of runs (a new trial changes its block's only).
    const lists = markLists(model);
    const hooked = new WeakSet();
    async function load() {
      const blocks = await blocksOf(model, hooked, "change:marks", load);
      const read = await lists(blocks);
      marks = read.lists;
      apply(read.changed);
    }
    model.on("change:shown", applyAll);
    model.on("change:shown", paintAll);
    model.on("change:blocks", load);
    model.on("change:grey", loadGrey);
    load();
    loadGrey();
    return () => {
      model.off("change:shown", applyAll); model.off("change:shown", paintAll);
      model.off("change:blocks", load); model.off("change:grey", loadGrey);
    };
  },
  render: detached(async ({ model, el }) => {
    // The run bar: a checkbox per compared (named) run, made once and updated in place (a redraw never
    // replaces a checkbox a person may be pressing).
    const root = document.createElement("div");
    root.className = "lc-legend lc-runs";
    el.appendChild(root);
    const title = document.createElement("span");
    title.className = "lc-runs-title"; title.textContent = "runs:";
    const items = new Map();
    // Many runs (`named` set: the best few and the live run): the others fold into one
    // "+ N more runs" checkbox that shows or hides them all (half-ticked when some are hidden).
    const more = document.createElement("label");
    more.className = "lc-entry lc-runs-more";
    const moreBox = document.createElement("input");
    moreBox.type = "checkbox";
    const moreName = document.createElement("span");
    more.append(moreBox, moreName);
    let folded = [];
    moreBox.addEventListener("change", () => {
      const shown = { ...(model.get("shown") || {}) };
      for (const id of folded) shown[id] = moreBox.checked;
      model.set("shown", shown);
      model.save_changes();
    });
    // The kernel sends the run bar's runs in blocks of runs (a new trial changes its block's).
    let blocks = [];
    const hooked = new WeakSet();
    async function load() {
      blocks = await Promise.all((model.get("run_blocks") || []).map((r) => resolve(model, r)));
      for (const b of blocks) if (!hooked.has(b)) { hooked.add(b); b.on("change:entries", draw); }
      draw();
    }
    function draw() {
      const runs = blocks.flatMap((b) => b.get("entries") || []);
      const named = model.get("named");
      const namedSet = new Set(named || []);
      const wanted = runs.length ? [title] : [];
      folded = [];
      for (const run of runs) {
        const id = "run:" + run.index;
        if (named && !namedSet.has(run.index)) { folded.push(id); continue; }
        let it = items.get(id);
        if (!it) {
          const label = document.createElement("label");
          label.className = "lc-entry";
          const box = document.createElement("input");
          box.type = "checkbox";
          box.addEventListener("change", () => toggle(model, id, box.checked));
          const name = document.createElement("span");
          label.append(box, name);
          it = { label, box, name, colour: null, swatch: null };
          items.set(id, it);
        }
        if (it.name.textContent !== run.label) { it.name.textContent = run.label; it.label.title = run.label; }
        if (it.colour !== run.colour) {
          const sw = swatch(run.colour);
          if (it.swatch) it.swatch.replaceWith(sw); else it.box.after(sw);
          it.swatch = sw; it.colour = run.colour;
        }
        const on = isShown(model, id);
        if (it.box.checked !== on) it.box.checked = on;
        wanted.push(it.label);
      }
      if (folded.length) {
        const on = folded.filter((id) => isShown(model, id)).length;
        const text = `+ ${folded.length} more run${folded.length === 1 ? "" : "s"}`;
        if (moreName.textContent !== text) moreName.textContent = text;
        more.title = `show or hide the ${folded.length} runs drawn grey (see the runs table)`;
        moreBox.checked = on === folded.length;
        moreBox.indeterminate = on > 0 && on < folded.length;
        wanted.push(more);
      }
      const now = [...root.childNodes];
      if (wanted.length !== now.length || wanted.some((n, i) => n !== now[i])) {
        for (const n of now) if (!wanted.includes(n)) n.remove();
        wanted.forEach((n, i) => { if (root.childNodes[i] !== n) root.insertBefore(n, root.childNodes[i] || null); });
      }
    }
    model.on("change:shown change:named", draw);
    model.on("change:run_blocks", load);
    await load();
    return () => {
      model.off("change:shown change:named", draw);
      model.off("change:run_blocks", load);
      for (const b of blocks) b.off("change:entries", draw);
    };
  }),
};
