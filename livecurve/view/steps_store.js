// livecurve's step store (see steps_store.py). The kernel sends every recorded step of the drawn
// step series as append-only binary messages; this module holds them, per run, and when a panel's
// x scale is zoomed or panned (in the browser: it works while the kernel is busy) it draws the
// visible range at full resolution on the browser-side bqplot marks only, never sent back to the
// kernel. Reset (min/max back to null) puts back the kernel's whole-run line.

const ABSENT = Infinity; // a step where the series was not logged (as in StepTable)
const strip = (ref) => (typeof ref === "string" && ref.startsWith("IPY_MODEL_") ? ref.slice(10) : ref);
const resolve = (model, ref) =>
  ref && typeof ref === "object" && ref.get ? ref : model.widget_manager.get_model(strip(ref));

function setLocal(m, attrs) {
  m.set(attrs);
  if (m._buffered_state_diff) for (const k of Object.keys(attrs)) delete m._buffered_state_diff[k];
}

function lowerBound(x, n, v) { // first i with x[i] >= v
  let a = 0, b = n;
  while (a < b) { const m = (a + b) >>> 1; if (x[m] < v) a = m + 1; else b = m; }
  return a;
}
function upperBound(x, n, v) { // first i with x[i] > v
  let a = 0, b = n;
  while (a < b) { const m = (a + b) >>> 1; if (x[m] <= v) a = m + 1; else b = m; }
  return a;
}

// Row numbers to draw of y[0:n] for lo <= x <= hi on `columns` pixel columns: every present row
// when they fit, else per column the rows of its min and max finite value and first gap; plus the
// nearest present row each side. Mirrors livecurve/model/envelope.py (tested against it).
export function envelope(x, y, n, lo, hi, columns) {
  if (columns < 1 || !(hi >= lo) || n === 0) return new Int32Array(0);
  const i0 = lowerBound(x, n, lo), i1 = upperBound(x, n, hi);
  let count = 0;
  for (let i = i0; i < i1; i++) if (y[i] !== ABSENT) count++;
  if (count === 0) return new Int32Array(0);
  const out = [];
  for (let i = i0 - 1; i >= 0; i--) if (y[i] !== ABSENT) { out.push(i); break; }
  if (count <= columns) {
    for (let i = i0; i < i1; i++) if (y[i] !== ABSENT) out.push(i);
  } else {
    const width = hi - lo;
    let col = -1, lowI = -1, highI = -1, gapI = -1, lowV = Infinity, highV = -Infinity;
    const flush = () => {
      if (col < 0) return;
      const p = [lowI, highI, gapI].filter((i) => i >= 0).sort((a, b) => a - b);
      for (let k = 0; k < p.length; k++) if (k === 0 || p[k] !== p[k - 1]) out.push(p[k]);
    };
    for (let i = i0; i < i1; i++) {
      const v = y[i];
      if (v === ABSENT) continue;
      let c = width > 0 ? Math.floor((x[i] - lo) / width * columns) : 0;
      c = c < 0 ? 0 : c > columns - 1 ? columns - 1 : c;
      if (c !== col) {
        flush();
        col = c; lowI = highI = gapI = -1; lowV = Infinity; highV = -Infinity;
      }
      if (Number.isFinite(v)) {
        if (v < lowV) { lowV = v; lowI = i; }
        if (v > highV) { highV = v; highI = i; }
      } else if (gapI < 0) gapI = i;
    }
    flush();
  }
  for (let i = i1; i < n; i++) if (y[i] !== ABSENT) { out.push(i); break; }
  return Int32Array.from(out);
}

// TensorBoard's debiased moving average (model/smoothing.py), continued from `s` over y[s.n:n].
export function smoothInto(s, y, n, w) {
  if (s.arr.length < n) { const a = new Float32Array(y.length); a.set(s.arr.subarray(0, s.n)); s.arr = a; }
  for (let i = s.n; i < n; i++) {
    const v = y[i];
    if (v === ABSENT) { s.arr[i] = ABSENT; continue; }
    if (!Number.isFinite(v)) { s.arr[i] = NaN; continue; }
    s.count++;
    if (w === 0) { s.arr[i] = v; continue; }
    s.last = w * s.last + (1 - w) * v;
    s.arr[i] = s.last / (1 - Math.pow(w, s.count));
  }
  s.n = n;
  return s;
}
const newSmooth = (w) => ({ w, arr: new Float32Array(0), n: 0, last: 0, count: 0 });

function grow(a, need, Type) {
  if (a.length >= need) return a;
  const b = new Type(Math.max(need, Math.ceil(a.length * 1.5) + 1024));
  b.set(a);
  if (Type === Float32Array) b.fill(ABSENT, a.length);
  return b;
}

// -- the model-wide state: one per store model, shared by its views ------------------------
function store(model) {
  const runs = new Map(); // run index -> {x, n, sorted, cols: Map(name -> Float32Array), smooth}
  const series = new Map(); // "run:name" -> {run, name, raw, smooth, base, mine}
  const scales = new Set();
  let pending = null;
  const S = { runs, series, stats: { messages: 0, bytes: 0, lastApplyMs: 0, applies: 0 } };

  const run = (r) => {
    if (!runs.has(r)) runs.set(r, { x: new Float64Array(0), n: 0, seen: 0, sorted: true, capped: false, cols: new Map(), smooth: new Map() });
    return runs.get(r);
  };
  const weight = () => { const c = S.controls; return c ? Number(c.get("smoothing")) || 0 : 0; };

  function onRows(msg, buffers) {
    const R = run(msg.run);
    R.seen = Math.max(R.seen, msg.start + msg.n);
    if (msg.start > R.n) return; // a gap (a page opened late): the history comes on request
    const n = msg.n, skip = R.n - msg.start;
    if (skip >= n) return;
    let xs, first = 1;
    if (msg.x_range) { // evenly spaced steps: [x0, dx]
      xs = new Float64Array(n); first = 0;
      for (let i = 0; i < n; i++) xs[i] = msg.x_range[0] + msg.x_range[1] * i;
    } else xs = new Float64Array(buffers[0].buffer.slice(buffers[0].byteOffset, buffers[0].byteOffset + buffers[0].byteLength));
    const need = msg.start + n;
    R.x = grow(R.x, need, Float64Array);
    R.x.set(xs.subarray(skip), R.n);
    for (let i = Math.max(R.n, 1); i < need; i++) if (R.x[i] < R.x[i - 1]) R.sorted = false;
    msg.names.forEach((name, j) => {
      const b = buffers[j + first];
      const ys = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
      let col = R.cols.get(name) || new Float32Array(0);
      col = grow(col, R.x.length, Float32Array);
      col.set(ys.subarray(skip), R.n);
      R.cols.set(name, col);
    });
    for (const [name, col] of R.cols) if (col.length < R.x.length) R.cols.set(name, grow(col, R.x.length, Float32Array));
    R.n = need;
  }
  function onColumn(msg, buffers) { // a column's history (a series that started later)
    const R = run(msg.run);
    if (msg.start + msg.n > R.n) return;
    const b = buffers[0];
    let col = R.cols.get(msg.name) || new Float32Array(0);
    col = grow(col, R.x.length, Float32Array);
    col.set(new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4), msg.start);
    R.cols.set(msg.name, col);
    R.smooth.delete(msg.name);
  }

  model.on("msg:custom", (msg, buffers) => {
    S.stats.messages++;
    for (const b of buffers || []) S.stats.bytes += b.byteLength;
    if (msg.event === "rows") onRows(msg, buffers);
    else if (msg.event === "column") onColumn(msg, buffers);
    else if (msg.event === "reset" || msg.event === "capped") {
      runs.delete(msg.run);
      if (msg.event === "capped") run(msg.run).capped = true;
    }
    schedule();
  });

  async function load() {
    S.controls = model.get("controls") ? await resolve(model, model.get("controls")) : null;
    if (S.controls && !S.controls.__lcStore) {
      S.controls.__lcStore = true;
      S.controls.on("change:smoothing", () => { for (const R of runs.values()) R.smooth.clear(); schedule(); });
    }
    const entries = model.get("series") || [];
    await Promise.all(entries.map(async (e) => {
      if (series.has(e.id)) return;
      const [raw, smooth] = await Promise.all([e.raw, e.smooth].map((r) => resolve(model, r)));
      const s = { run: e.run, name: e.name, raw, smooth, base: null, mine: false, writing: 0 };
      series.set(e.id, s);
      const keep = () => { if (!s.writing) { s.base = null; schedule(); } };
      raw.on("change:y", keep);
      const xs = raw.get("scales").x;
      if (!scales.has(xs)) { scales.add(xs); xs.on("change:min change:max", schedule); }
    }));
    schedule();
  }

  function schedule() {
    if (pending) return;
    pending = Promise.resolve().then(() => { pending = null; applyAll(); });
  }
  function width(s) {
    for (const v of Object.values(s.raw.views || {})) {
      // views are promises; their resolved values are cached by the first apply
      if (v && v.__lcView) return v.__lcView.parent.plotareaWidth;
      if (v && v.then && !v.__lcWaiting) { v.__lcWaiting = true; v.then((view) => { v.__lcView = view; schedule(); }); }
    }
    return 1000;
  }
  function write(s, mark, attrs) {
    s.writing++;
    try { setLocal(mark, attrs); } finally { s.writing--; }
  }
  function restore(s) {
    if (!s.mine || !s.base) return;
    write(s, s.raw, s.base.raw);
    write(s, s.smooth, s.base.smooth);
    s.mine = false;
  }
  // Draw every zoomed series from what the browser holds; put the kernel's line back elsewhere.
  function applyAll() {
    const t0 = performance.now();
    for (const s of series.values()) {
      const xs = s.raw.get("scales").x;
      const lo = xs.get("min"), hi = xs.get("max");
      const R = runs.get(s.run);
      const col = R && R.cols.get(s.name);
      const usable = R && R.n >= R.seen && !R.capped && R.sorted && col;
      if (lo === null || hi === null || lo === undefined || hi === undefined || !usable) { restore(s); continue; }
      if (!s.mine || !s.base) {
        s.base = {
          raw: { x: s.raw.get("x"), y: s.raw.get("y") },
          smooth: { x: s.smooth.get("x"), y: s.smooth.get("y") },
        };
      }
      const cols = Math.max(1, Math.round(width(s)));
      const pick = (ys) => {
        const idx = envelope(R.x, ys, R.n, lo, hi, cols);
        const px = new Float64Array(idx.length), py = new Float32Array(idx.length);
        for (let k = 0; k < idx.length; k++) { px[k] = R.x[idx[k]]; py[k] = ys[idx[k]]; }
        return { x: px, y: py };
      };
      write(s, s.raw, pick(col));
      const w = weight();
      if (w > 0) {
        let sm = R.smooth.get(s.name);
        if (!sm || sm.w !== w) { sm = newSmooth(w); R.smooth.set(s.name, sm); }
        smoothInto(sm, col, R.n, w);
        write(s, s.smooth, pick(sm.arr));
      } else write(s, s.smooth, { x: new Float64Array(0), y: new Float32Array(0) });
      s.mine = true;
    }
    S.stats.lastApplyMs = performance.now() - t0;
    S.stats.applies++;
  }
  S.applyAll = applyAll;
  model.on("change:series change:controls", load);
  S.ready = load();
  // A new front end (a reloaded page) asks for the history; the kernel answers when it reads it.
  model.send({ event: "hello" });
  return S;
}

const STORES = new WeakMap();
export default {
  initialize({ model }) {
    if (!STORES.has(model)) STORES.set(model, store(model));
    globalThis.__livecurveStores = globalThis.__livecurveStores || [];
    globalThis.__livecurveStores.push(STORES.get(model));
  },
  render({ el }) { el.style.display = "none"; },
};
