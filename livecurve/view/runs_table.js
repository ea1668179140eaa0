// livecurve's runs table (see runs_table.py). Sorting, filtering and highlighting run in the
// browser, so they work while a search trains and the kernel reads no widget messages. Changes
// to bqplot marks here are local: removed from the model's pending diff, never sent back.

// A regular expression, or the text itself when it is not a valid one; case-insensitive.
export function matcher(text) {
  if (!text) return () => true;
  try {
    const re = new RegExp(text, "i");
    return (s) => re.test(s);
  } catch (e) {
    const t = text.toLowerCase();
    return (s) => s.toLowerCase().includes(t);
  }
}

// Empty cells last either way; numbers by value; text case-insensitively.
export function compare(a, b, down) {
  const ea = a === null || a === undefined || a === "", eb = b === null || b === undefined || b === "";
  if (ea || eb) return ea - eb;
  const c = typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
  return down ? -c : c;
}

const fmt = (v) => (typeof v === "number" && !Number.isInteger(v) ? String(Number(v.toPrecision(4))) : v ?? "");

export default {
  render: detached(async ({ model, el }) => {
    const root = document.createElement("div");
    root.className = "lc-runs";
    const bar = document.createElement("div");
    bar.className = "lc-runs-bar";
    const note = document.createElement("span");
    note.className = "lc-runs-note";
    const filter = document.createElement("input");
    filter.className = "lc-runs-filter";
    filter.placeholder = "filter runs: regex or text (label, hyperparameters)";
    filter.value = model.get("filter") || "";
    const hint = document.createElement("span");
    hint.className = "lc-runs-hint";
    bar.append(note, filter, hint);
    const scroll = document.createElement("div");
    scroll.className = "lc-runs-scroll";
    const table = document.createElement("table");
    const thead = document.createElement("thead");
    const tbody = document.createElement("tbody");
    table.append(thead, tbody);
    scroll.appendChild(table);
    root.append(bar, scroll);
    el.appendChild(root);

    let sort = { key: null, down: false };
    let lines = {};
    let allRows = [];  // the blocks' rows joined, each with its rank (ranked here)
    // Many runs: the grey rows (runs not named) of each panel, [{figure, mark, rows}]; a
    // highlighted grey run is drawn by its own marks, added to its figure here (locally).
    const vis = model.get("visibility") ? await resolve(model, model.get("visibility")) : null;
    let greys = [];
    let hovered = -1;
    const text = (row) => {
      const params = (model.get("columns") || []).filter((c) => c.group === "param");
      return [row.run, ...params.map((c) => `${c.key}=${row[c.key] ?? ""}`)].join(" ");
    };
    // The runs the filter matches (null: no filter, every run).
    const matching = () => {
      if (!model.get("filter")) return null;
      const test = matcher(model.get("filter"));
      return new Set(allRows.filter((r) => test(text(r))).map((r) => r.index));
    };

    // The curves. With many runs (`named` set by Python: the best few and the live run), the
    // others are thin and grey; a filter picks instead which runs keep their colour (the rest
    // fade); the hovered or selected run is thick and coloured: a grey one in the highlight
    // colour, apart from every named run's (Python's `highlight`). The kernel's colours are kept
    // on each mark (m.__lcColours) and put back when a run is highlighted again.
    const GREY = "#9A9A9A";
    let applying = 0;
    function paint(m, attrs) { applying++; try { setLocal(m, attrs); } finally { applying--; } }
    // Each run's state as painted, with the list of marks it was painted on: a redraw paints
    // only the runs whose state or marks changed (not 1600 marks at 200 runs).
    const painted = new Map();  // run index -> { list, state }
    let looked = 0;  // marks looked at by highlight(), for tests: a new trial's, not every run's
    function highlight() {
      const on = matching();
      const filtering = !!model.get("filter");
      const selected = model.get("selected");
      const named = model.get("named");  // null: few runs, every run keeps its colour
      const namedSet = new Set(named || []);
      const hl = model.get("highlight") || "";
      for (const [run, list] of Object.entries(lines)) {
        const index = Number(run);
        const wide = index === hovered || index === selected;
        const lit = wide || (filtering ? on.has(index) : !named || namedSet.has(index));
        const opacity = lit ? 1 : filtering ? 0.12 : 0.5;
        const grey = !!named && !namedSet.has(index);
        const apart = wide && grey && !filtering && hl ? [hl] : null;  // a hovered grey run
        const state = `${wide} ${lit} ${opacity} ${filtering} ${grey} ${apart}`;
        const was = painted.get(index);
        if (was && was.list === list && was.state === state) continue;
        painted.set(index, { list, state });
        looked += list.length;
        for (const m of list) {
          const dots = m.get("_model_name") === "ScatterModel";
          if (!m.__lcWatched) {
            m.__lcWatched = true;
            m.__lcColours = m.get("colors");
            m.on("change:colors", () => {
              if (applying) return;
              m.__lcColours = m.get("colors");  // the kernel recoloured: keep, then re-apply
              m.__lcState = null;
              painted.delete(index);
              highlight();
            });
          }
          if (m.__lcState === state) continue;  // a mark listed for its run again
          m.__lcState = state;
          // A grey run's own marks (out of the figure but while highlighted) leave the scales'
          // domains to its grey row, which holds the same values: bqplot goes over every
          // mark's domain of a scale whenever one mark's changes (1600 at 200 runs).
          const keep = grey ? { x: true, y: true } : {};
          const had = m.get("preserve_domain") || {};
          if (!!had.x !== !!keep.x || !!had.y !== !!keep.y) paint(m, { preserve_domain: keep });
          if (!dots) {
            const width = wide ? 4.5 : lit ? 2 : 1;
            if (m.get("stroke_width") !== width) paint(m, { stroke_width: width });
          }
          const colours = apart || (lit || dots ? m.__lcColours : [GREY]);
          if (JSON.stringify(m.get("colors")) !== JSON.stringify(colours))
            paint(m, { colors: colours });
          const o = m.get("opacities") || [];
          const want = dots && !lit && !filtering ? 0 : opacity;  // grey runs: no epoch dots
          if (o.length !== 1 || o[0] !== want) paint(m, { opacities: [want] });
        }
      }
      promote(on, filtering, selected);
    }
    // Grey runs that are hovered, selected or matched by the filter: their row of the grey
    // lines is hidden (visibility.js paints it) and their own marks join their figure.
    function promote(on, filtering, selected) {
      const figures = new Map();
      const any = hovered >= 0 || (selected ?? -1) >= 0 || filtering;  // else no run is lit
      for (const g of greys) {
        const lit = new Set();
        if (any) for (const id of g.rows) {
          const r = Number(id.split(":", 1)[0]);
          if (r === hovered || r === selected || (filtering && on.has(r))) lit.add(String(r));
        }
        g.mark.__lcLit = lit;
        g.mark.__lcBase = filtering ? 0.12 : undefined;
        if (g.mark.__lcPaint) g.mark.__lcPaint();
        const f = figures.get(g.figure) || { x: (g.mark.get("scales") || {}).x, runs: new Set() };
        for (const r of lit) f.runs.add(r);
        figures.set(g.figure, f);
      }
      for (const [figure, { x, runs }] of figures) {
        if (!figure.__lcWatched) {
          figure.__lcWatched = true;
          // The kernel's list: add the promoted marks again once its change is done.
          figure.on("change:marks", () => { if (!applying) Promise.resolve().then(highlight); });
        }
        const promoted = figure.__lcPromoted || [];
        const now = figure.get("marks") || [];
        const base = now.filter((m) => !promoted.includes(m));
        const extra = [];
        for (const r of runs)
          for (const m of lines[r] || [])
            if ((m.get("scales") || {}).x === x && !base.includes(m)) extra.push(m);
        const want = [...base, ...extra];
        figure.__lcPromoted = extra;
        if (want.length !== now.length || want.some((m, i) => m !== now[i])) paint(figure, { marks: want });
      }
    }
    async function loadGreys() {
      const raw = (vis && vis.get("grey")) || [];
      greys = await Promise.all(raw.map(async ([figure, mark, rows]) =>
        ({ figure: await resolve(model, figure), mark: await resolve(model, mark), rows })));
      highlight();
    }
    // The rows, sent in blocks of runs without their rank: a new trial sends its block, and
    // the rank (which it moves for every run below it) is counted here, as Python's ranking
    // does (model/ranking.py): by the objective's best value, ties by run, none: no rank.
    const rowHooks = new WeakSet();
    let rowsAsked = 0;
    async function loadRows() {
      const asked = ++rowsAsked;
      const blocks = await blocksOf(model, rowHooks, "change:rows", loadRows, "row_blocks");
      if (asked !== rowsAsked) return;  // a later call reads the blocks as they are now
      const rows = blocks.flatMap((b) => b.get("rows") || []);
      const { key, goal } = model.get("rank_by") || {};
      const sign = goal === "max" ? -1 : 1;
      const scored = key ? rows.filter((r) => typeof r[key] === "number" && Number.isFinite(r[key])) : [];
      scored.sort((a, b) => sign * (a[key] - b[key]) || a.index - b.index);
      const rank = new Map(scored.map((r, i) => [r.index, i + 1]));
      allRows = rows.map((r) => ({ ...r, rank: rank.get(r.index) ?? null }));
      draw();
      if (model.get("filter")) highlight();  // which runs match: new rows may
    }
    // Each run's marks, sent in blocks of runs (a new trial changes its block's only).
    const lists = markLists(model);
    const hooked = new WeakSet();
    async function loadLines() {
      const blocks = await blocksOf(model, hooked, "change:marks", loadLines);
      lines = (await lists(blocks)).lists;
      highlight();
    }

    // The table is updated in place: a redraw (a new epoch changes a few cells of one row) sets
    // only the cells whose text changed and moves only rows out of place. Rebuilding 200 rows
    // made the browser lay out and paint the whole table again at every epoch.
    let headFor = "";
    const trs = new Map();  // run index -> { tr, tds, texts }
    let trsFor = "";  // the columns the rows' cells were made for
    function headerCell(c) {
      const th = document.createElement("th");
      th.textContent = c.key;
      th.dataset.key = c.key;
      if (c.kind === "text") th.className = "lc-text";
      th.title = c.goal ? `sort by ${c.key} (${c.goal === "min" ? "lower" : "higher"} is better)` : `sort by ${c.key}`;
      if (sort.key === c.key) {
        const arrow = document.createElement("span");
        arrow.className = "lc-arrow";
        arrow.textContent = sort.down ? "▼" : "▲";
        th.appendChild(arrow);
      }
      th.addEventListener("click", () => {
        sort = { key: c.key, down: sort.key === c.key ? !sort.down : false };
        draw();
      });
      return th;
    }
    function rowFor(index, columns) {
      let it = trs.get(index);
      if (it) return it;
      const tr = document.createElement("tr");
      tr.dataset.run = String(index);
      const tds = columns.map((c) => {
        const td = document.createElement("td");
        if (c.kind === "text") td.className = "lc-text";
        tr.appendChild(td);
        return td;
      });
      tr.addEventListener("mouseenter", () => { hovered = index; highlight(); });
      tr.addEventListener("mouseleave", () => { hovered = -1; highlight(); });
      tr.addEventListener("click", () => {
        model.set("selected", model.get("selected") === index ? -1 : index);
        model.save_changes();
      });
      it = { tr, tds, texts: columns.map(() => null), titles: columns.map(() => null) };
      trs.set(index, it);
      return it;
    }
    const VIRTUAL_ABOVE = 100, SPARE = 10;
    const spacer = () => {
      const tr = document.createElement("tr");
      tr.className = "lc-spacer";
      tr.appendChild(document.createElement("td"));
      return tr;
    };
    const topSpacer = spacer(), bottomSpacer = spacer();
    function setSpacer(tr, height, span) {
      const td = tr.firstChild;
      if (td.colSpan !== Math.max(span, 1)) td.colSpan = Math.max(span, 1);
      const px = `${Math.round(height)}px`;
      if (td.style.height !== px) td.style.height = px;
    }
    let measured = 0;
    function rowHeight() {  // of a drawn row (all rows are one line high), else a guess
      if (!measured) {
        const tr = [...tbody.children].find((r) => r.dataset.run !== undefined);
        const h = tr ? tr.getBoundingClientRect().height : 0;
        if (h > 0) measured = h;
      }
      return measured || 21;
    }
    let scrolled = false;
    scroll.addEventListener("scroll", () => {
      if (scrolled) return;
      scrolled = true;
      requestAnimationFrame(() => { scrolled = false; if (allRows.length > VIRTUAL_ABOVE) draw(); });
    });
    function draw() {
      const columns = model.get("columns") || [];
      const rows = [...allRows];
      if (sort.key !== null) rows.sort((a, b) => compare(a[sort.key], b[sort.key], sort.down));
      const on = matching();
      const filtering = !!model.get("filter");
      const selected = model.get("selected");
      const head = JSON.stringify([columns, sort]);
      if (head !== headFor) {
        headFor = head;
        const tr = document.createElement("tr");
        for (const c of columns) tr.appendChild(headerCell(c));
        thead.replaceChildren(tr);
      }
      const cols = JSON.stringify(columns.map((c) => [c.key, c.kind]));
      if (cols !== trsFor) { trsFor = cols; trs.clear(); }  // other columns: new cells
      // Many rows: only those in (and near) the scrolled view are in the table, between two
      // spacer rows of the others' height. The browser painted all 200 rows of the scrolled
      // table whenever one changed (a new trial moves every rank): most of a trial's redraw.
      let first = 0, last = rows.length;
      if (rows.length > VIRTUAL_ABOVE) {
        const h = rowHeight();
        const view = scroll.clientHeight || 320;
        first = Math.max(0, Math.floor(scroll.scrollTop / h) - SPARE);
        last = Math.min(rows.length, Math.ceil((scroll.scrollTop + view) / h) + SPARE);
        setSpacer(topSpacer, first * h, columns.length);
        setSpacer(bottomSpacer, (rows.length - last) * h, columns.length);
      }
      const inView = rows.slice(first, last).map((row) => {
        const it = rowFor(row.index, columns);
        columns.forEach((c, i) => {
          const text = String(fmt(row[c.key]));  // text, never markup
          const title = String(row[c.key] ?? "");
          if (it.texts[i] !== text) { it.texts[i] = text; it.tds[i].textContent = text; }
          if (it.titles[i] !== title) { it.titles[i] = title; it.tds[i].title = title; }
        });
        const dim = filtering && !on.has(row.index);
        if (it.tr.classList.contains("lc-dim") !== dim) it.tr.classList.toggle("lc-dim", dim);
        const chosen = row.index === selected;
        if (it.tr.classList.contains("lc-selected") !== chosen) it.tr.classList.toggle("lc-selected", chosen);
        return it.tr;
      });
      const wanted = rows.length > VIRTUAL_ABOVE ? [topSpacer, ...inView, bottomSpacer] : inView;
      const keep = new Set(rows.map((row) => row.index));
      for (const index of [...trs.keys()]) if (!keep.has(index)) trs.delete(index);
      const now = tbody.children;
      if (wanted.length !== now.length || wanted.some((tr, i) => tr !== now[i])) {
        const want = new Set(wanted);
        for (const tr of [...now]) if (!want.has(tr)) tr.remove();
        wanted.forEach((tr, i) => { if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] || null); });
      }
      const shown = filtering ? on.size : rows.length;
      const said = `${shown} of ${rows.length} runs` +
        (model.get("objective") ? ` · rank: ${model.get("objective")}` : "") +
        " · click a header to sort";
      if (hint.textContent !== said) hint.textContent = said;
      const noteText = model.get("note") || "";
      if (note.textContent !== noteText) note.textContent = noteText;
    }

    filter.addEventListener("input", () => {
      model.set("filter", filter.value);
      model.save_changes();
    });
    const onFilter = () => {
      if (filter.value !== model.get("filter")) filter.value = model.get("filter") || "";
      draw();
      highlight();
    };
    const onSelected = () => { draw(); highlight(); };
    const onNote = () => { note.textContent = model.get("note") || ""; };
    // What the table listens to: registered here, and the same list removed when it goes.
    const listeners = [
      [model, "change:row_blocks change:rank_by", loadRows],
      [model, "change:columns change:objective", draw],
      [model, "change:filter", onFilter],
      [model, "change:selected", onSelected],
      [model, "change:note", onNote],
      [model, "change:blocks", loadLines],
      [model, "change:named change:highlight", highlight],
      ...(vis ? [[vis, "change:grey", loadGreys]] : []),
    ];
    for (const [source, events, handler] of listeners) source.on(events, handler);
    // For tests and curious people: what the table highlights now.
    root.lcState = () => ({ hovered, selected: model.get("selected"), named: model.get("named"),
      highlight: model.get("highlight"), looked,
      lines: Object.keys(lines),
      widths: Object.fromEntries(Object.entries(lines).map(([k, l]) => [k, l.map((m) => m.get("stroke_width"))])),
      domains: Object.values(lines).flat().filter((m) => !(m.get("preserve_domain") || {}).y).length,
      grey: greys.map((g) => ({ rows: g.rows.length, lit: [...(g.mark.__lcLit || [])] })) });
    await loadRows();
    await loadLines();
    await loadGreys();
    return () => {
      for (const [source, events, handler] of listeners) source.off(events, handler);
    };
  }),
};
