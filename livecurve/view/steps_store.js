// livecurve's step store (see steps_store.py). The kernel sends every recorded step of the drawn
// step series as append-only binary messages; this module holds them, per run, and when a panel's
// x scale is zoomed or panned (in the browser: it works while the kernel is busy) it draws the
// visible range at full resolution on the browser-side bqplot marks only, never sent back to the
// kernel. Reset (min/max back to null) puts back the kernel's whole-run line.

const ABSENT = Infinity; // a step where the series was not logged (as in StepTable)

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
  for (let i = i0; i < i1 && count <= columns; i++) if (y[i] !== ABSENT) count++;
  if (count === 0) return new Int32Array(0);
  const out = new Int32Array(Math.min(i1 - i0, 3 * columns) + 2);
  let k = 0;
  for (let i = i0 - 1; i >= 0; i--) if (y[i] !== ABSENT) { out[k++] = i; break; }
  if (count <= columns) {
    for (let i = i0; i < i1; i++) if (y[i] !== ABSENT) out[k++] = i;
  } else {
    const width = hi - lo;
    let col = -1, lowI = -1, highI = -1, gapI = -1, lowV = Infinity, highV = -Infinity;
    for (let i = i0; i <= i1; i++) {
      let c = columns; // past the end: emits the last column
      const v = i < i1 ? y[i] : 0;
      if (i < i1) {
        if (v === ABSENT) continue;
        c = width > 0 ? Math.floor((x[i] - lo) / width * columns) : 0;
        c = c < 0 ? 0 : c > columns - 1 ? columns - 1 : c;
      }
      if (c !== col) {
        if (col >= 0) { // this column's rows in row order, each once
          let p = lowI, q = highI, r = gapI, t;
          if (p > q) { t = p; p = q; q = t; }
          if (q > r) { t = q; q = r; r = t; }
          if (p > q) { t = p; p = q; q = t; }
          if (p >= 0) out[k++] = p;
          if (q >= 0 && q !== p) out[k++] = q;
          if (r >= 0 && r !== q) out[k++] = r;
        }
        col = c; lowI = highI = gapI = -1; lowV = Infinity; highV = -Infinity;
        if (i === i1) break;
      }
      if (v - v === 0) { // finite (NaN and -inf are gaps; ABSENT was skipped)
        if (v < lowV) { lowV = v; lowI = i; }
        if (v > highV) { highV = v; highI = i; }
      } else if (gapI < 0) gapI = i;
    }
  }
  for (let i = i1; i < n; i++) if (y[i] !== ABSENT) { out[k++] = i; break; }
  return out.slice(0, k);
}

// TensorBoard's debiased moving average (model/smoothing.py), continued from `s` over y[s.n:n].
export function smoothInto(s, y, n, w) {
  if (s.arr.length < n) { const a = new Float32Array(y.length); a.set(s.arr.subarray(0, s.n)); s.arr = a; }
  const arr = s.arr;
  let last = s.last, count = s.count, power = s.power; // power = w ** count, kept by products
  for (let i = s.n; i < n; i++) {
    const v = y[i];
    if (v === ABSENT) { arr[i] = ABSENT; continue; }
    if (!Number.isFinite(v)) { arr[i] = NaN; continue; }
    count++;
    if (w === 0) { arr[i] = v; continue; }
    last = w * last + (1 - w) * v;
    power *= w;
    arr[i] = last / (1 - power);
  }
  s.last = last; s.count = count; s.power = power;
  s.n = n;
  return s;
}
const newSmooth = (w) => ({ w, arr: new Float32Array(0), n: 0, last: 0, count: 0, power: 1 });

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
  const S = { model, runs, series, stats: { messages: 0, bytes: 0, lastApplyMs: 0, applies: 0 } };

  const run = (r) => {
    if (!runs.has(r)) runs.set(r, { x: new Float64Array(0), n: 0, seen: 0, version: 0, sorted: true, capped: false, cols: new Map(), smooth: new Map() });
    return runs.get(r);
  };
  const weight = () => { const c = S.controls; return c ? Number(c.get("smoothing")) || 0 : 0; };

  function onRows(msg, buffers) {
    const R = run(msg.run);
    R.seen = Math.max(R.seen, msg.start + msg.n);
    if (msg.start > R.n) { ask(); return; } // a gap (a page opened late): ask for the history
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

  // Ask the kernel for the rows this front end lacks (it answers once it reads the message).
  let asked = -1;
  function ask() {
    const have = {};
    for (const [r, R] of runs) have[r] = R.n;
    const key = JSON.stringify(have);
    if (key === asked) return;
    asked = key;
    model.send({ event: "hello", have });
  }
  function checkSent() {
    for (const [r, n] of Object.entries(model.get("rows_sent") || {})) {
      const R = run(Number(r));
      R.seen = Math.max(R.seen, n);
      if (R.n < n) ask();
    }
  }
  model.on("change:rows_sent", () => { checkSent(); });

  model.on("msg:custom", (msg, buffers) => {
    S.stats.messages++;
    let size = 0;
    for (const b of buffers || []) size += b.byteLength;
    S.stats.bytes += size;
    S.stats.maxMessage = Math.max(S.stats.maxMessage || 0, size);
    if (msg.event === "rows" && !msg.replay) S.stats.maxDelta = Math.max(S.stats.maxDelta || 0, size);
    (S.stats.log = S.stats.log || []).push([msg.event, msg.start, msg.n, size, !!msg.replay, Math.round(performance.now())]);
    if (S.stats.log.length > 200) S.stats.log.shift();
    if (msg.event === "rows") onRows(msg, buffers);
    else if (msg.event === "column") onColumn(msg, buffers);
    else if (msg.event === "truncate") { // rows moved in the kernel: they come again
      const R = runs.get(msg.run);
      if (R && msg.rows < R.n) {
        R.n = msg.rows; R.seen = Math.min(R.seen, msg.rows); R.version++;
        R.sorted = true;
        for (let i = 1; i < R.n; i++) if (R.x[i] < R.x[i - 1]) { R.sorted = false; break; }
        for (const [name, sm] of R.smooth) if (sm.n > R.n) R.smooth.delete(name);
      }
    } else if (msg.event === "reset" || msg.event === "capped") {
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
      // For controls.js: every held step of this series while the store draws its zoom (the
      // zoomed panel's y range is fitted to them; its smoothing preview leaves them to us).
      raw.__lcHeld = () => {
        const R = s.mine && runs.get(s.run), col = R && R.cols.get(s.name);
        return col ? { x: R.x, y: col, n: R.n } : null;
      };
      const keep = () => { if (!s.writing) { s.base = null; schedule(); } };
      raw.on("change:y", keep);
      const xs = raw.get("scales").x;
      if (!scales.has(xs)) { scales.add(xs); xs.on("change:min change:max", schedule); }
    }));
    schedule();
  }

  function schedule() {
    if (pending) return;
    pending = Promise.resolve().then(() => { pending = null; applyAll(); })
      .catch((e) => { S.stats.error = String(e && e.stack || e); });
  }
  // A drawn view of the mark (views are promises: resolved ones are kept on them), or null.
  function markView(s) {
    for (const v of Object.values(s.raw.views || {})) {
      if (v && v.__lcView) return v.__lcView;
      if (v && v.then && !v.__lcWaiting) { v.__lcWaiting = true; v.then((view) => { v.__lcView = view; schedule(); }); }
    }
    return null;
  }
  // The x range the panel shows: the scale's min/max and, each side, the figure's padding (a
  // fraction of the plot area's width, where bqplot still draws), with a little to spare.
  function shown(view, lo, hi) {
    const p = view ? Number(view.parent.model.get("padding_x")) || 0 : 0;
    const extra = (hi - lo) * (p + 0.01) / Math.max(1 - 2 * p, 0.5);
    return [lo - extra, hi + extra];
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
      const usable = model.get("enabled") && R && R.n >= R.seen && !R.capped && R.sorted && col;
      if (lo === null || hi === null || lo === undefined || hi === undefined || !usable) {
        restore(s); s.cache = null; continue;
      }
      if (!s.mine || !s.base) {
        s.base = {
          raw: { x: s.raw.get("x"), y: s.raw.get("y") },
          smooth: { x: s.smooth.get("x"), y: s.smooth.get("y") },
        };
      }
      const view = markView(s);
      const cols = Math.max(1, Math.round(view ? view.parent.plotareaWidth : 1000));
      const [a, b] = shown(view, lo, hi);
      // Rows still on their way (throttled redraws send the oldest first): a range that reaches
      // past the last one held shows the kernel's line until they are here.
      const total = Number((model.get("rows_total") || {})[s.run] || 0);
      if (R.n < total && !(R.n > 0 && R.x[R.n - 1] >= b)) { restore(s); s.cache = null; continue; }
      const w = weight();
      const key = `${a},${b},${cols},${w}`;
      const c = s.cache;
      // New rows after the range (training goes on) change nothing drawn: draw what was drawn.
      const same = c && c.key === key && c.col === col && c.version === R.version
        && (c.n === R.n || (c.n > 0 && R.x[c.n - 1] > b));
      if (!same) {
        const t1 = performance.now();
        const idx = envelope(R.x, col, R.n, a, b, cols);
        const px = new Float64Array(idx.length), py = new Float32Array(idx.length);
        for (let k = 0; k < idx.length; k++) { px[k] = R.x[idx[k]]; py[k] = col[idx[k]]; }
        let smooth = { x: new Float64Array(0), y: new Float32Array(0) };
        if (w > 0) { // the smoothed line (over every step held) at the rows drawn
          let sm = R.smooth.get(s.name);
          if (!sm || sm.w !== w) { sm = newSmooth(w); R.smooth.set(s.name, sm); }
          smoothInto(sm, col, R.n, w);
          const sy = new Float32Array(idx.length);
          for (let k = 0; k < idx.length; k++) sy[k] = sm.arr[idx[k]];
          smooth = { x: px, y: sy };
        }
        s.cache = { key, col, version: R.version, n: R.n, raw: { x: px, y: py }, smooth };
        S.stats.reduceMs = performance.now() - t1;
      } else s.cache.n = R.n;
      if (s.raw.get("y") !== s.cache.raw.y) write(s, s.raw, s.cache.raw);
      if (s.smooth.get("y") !== s.cache.smooth.y) write(s, s.smooth, s.cache.smooth);
      s.mine = true;
    }
    S.stats.lastApplyMs = performance.now() - t0;
    S.stats.applies++;
  }
  S.applyAll = applyAll;
  model.on("change:series change:controls", load);
  model.on("change:enabled change:rows_total", schedule);
  S.ready = load();
  // A new front end (a reloaded page) asks for the history; the kernel answers when it reads it.
  checkSent();
  return S;
}

// One copy per store widget, found by its key (initialize and render may get different model
// proxies for the same widget).
const STORES = new Map();
export default {
  initialize({ model }) {
    const key = model.get("key");
    if (!STORES.has(key)) STORES.set(key, store(model));
    const S = STORES.get(key);
    return () => { S.runs.clear(); S.series.clear(); STORES.delete(key); }; // closed: free it
  },
  render({ model, el }) {
    el.style.display = "none";
    el.classList.add("lc-steps-store");
    el.__lcStore = STORES.get(model.get("key")); // for tests and debugging: the page's copy
  },
};
