// livecurve's controls bar (see controls.py). Everything here runs in the browser, so it works
// while the kernel is busy training. Changes made to bqplot models here are local: they are
// removed from the model's pending diff, so no later save_changes sends them to the kernel.

// The x tick labels' d3 format for a visible range [lo, hi]: as many digits as the ticks' step
// needs, so zoomed into steps 412,200–412,500 of a long run they read 412,250, 412,300 (never a
// row of "412.2k"), and the whole run reads 200k, 400k. Ticks ~ the number bqplot draws.
function niceStep(lo, hi, ticks) {
  const raw = (hi - lo) / ticks;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const e = raw / power;
  return (e >= 7.07 ? 10 : e >= 3.16 ? 5 : e >= 1.41 ? 2 : 1) * power;  // d3's tick step
}
const usable = (lo, hi) => lo !== null && hi !== null && Number.isFinite(lo) && Number.isFinite(hi) && hi > lo;
export function tickFormat(lo, hi, ticks = 10) {
  if (!usable(lo, hi)) return "~g";
  const stepDigit = Math.floor(Math.log10(niceStep(lo, hi, ticks)) + 1e-9);
  const decimals = Math.max(0, -stepDigit);
  const big = Math.max(Math.abs(lo), Math.abs(hi));
  if (big >= 1e4) {
    const digits = Math.floor(Math.log10(big)) - stepDigit + 1;  // significant digits needed
    return digits <= 3 ? "~s" : `,.${decimals}f`;
  }
  return `.${decimals}~f`;
}
// Round tick values for [lo, hi] and their format, as many as fit in a plot area `width` px
// wide with room between labels (bqplot's own count overprints "100k200k300k" in a narrow
// panel, and long labels such as 412,250 need fewer ticks still).
export function xTicks(lo, hi, width = 400) {
  if (!usable(lo, hi)) return { format: "~g", values: null };
  const big = Math.max(Math.abs(lo), Math.abs(hi));
  const digits = Math.floor(Math.log10(Math.max(big, 1))) + 1;
  let n = 10, format, values;
  for (; n >= 1; n--) {
    format = tickFormat(lo, hi, n);
    const step = niceStep(lo, hi, n);
    values = [];
    for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) values.push(Number((i * step).toPrecision(15)));
    const decimals = Number((format.match(/\.(\d+)/) || [0, 0])[1]);
    const chars = format === "~s" ? 4 : digits + decimals + (decimals ? 1 : 0) + (format.startsWith(",") ? Math.floor((digits - 1) / 3) : 0);
    if (values.length * (chars * 7 + 14) <= width) break;
  }
  return { format, values };
}

// The kernel's own tick values of each x axis model (whole epochs while there are few), read
// before this module first sets its own and whenever the kernel sends new ones; kept per model,
// not per panel object, which is rebuilt each time the kernel sends the panels again.
const AXES = new WeakMap();
function axisState(axis, changed) {
  let st = AXES.get(axis);
  if (!st) {
    st = { kernel: axis.get("tick_values"), setting: false };
    AXES.set(axis, st);
    axis.on("change:tick_values", () => {
      if (!st.setting) { st.kernel = axis.get("tick_values"); changed(); }  // the kernel's
    });
  }
  return st;
}

// -- y range of a zoomed panel: what is in the visible x range ------------------------------
// Mirrors model/yrange.py's robust_range over the values of `parts` (arrays; non-finite values
// and, with `log`, values <= 0 are skipped): null when no value is an outlier. `keep` (epoch
// values) are never left out. Quartiles from every k-th value when there are more than 2048.
const FENCE = 4.0, PAD = 0.05, SAMPLE = 2048;
export function robustRange(parts, log = false, keep = []) {
  const ok = log ? (v) => v > 0 && v < Infinity : (v) => v - v === 0;
  let n = 0;
  for (const a of parts) for (let i = 0; i < a.length; i++) if (ok(a[i])) n++;
  if (n < 4) return null;
  const stride = n > SAMPLE ? Math.ceil(n / SAMPLE) : 1;
  const sample = [];
  let k = 0, vmin = Infinity, vmax = -Infinity;
  for (const a of parts) for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!ok(v)) continue;
    if (k++ % stride === 0) sample.push(v);
    if (v < vmin) vmin = v;
    if (v > vmax) vmax = v;
  }
  sample.sort((p, q) => p - q);
  const q = (f) => { const at = f * (sample.length - 1), b = Math.floor(at), c = Math.min(b + 1, sample.length - 1); return sample[b] + (at - b) * (sample[c] - sample[b]); };
  let q1 = q(0.25), q3 = q(0.75);
  if (log) { q1 = Math.log10(q1); q3 = Math.log10(q3); }
  const spread = q3 - q1;
  if (!(spread > 0)) return null;
  let lowF = q1 - FENCE * spread, highF = q3 + FENCE * spread;
  if (log) { lowF = 10 ** lowF; highF = 10 ** highF; }
  let low = Infinity, high = -Infinity, out = false;
  for (const a of parts) for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!ok(v)) continue;
    if (v >= lowF && v <= highF) { if (v < low) low = v; if (v > high) high = v; } else out = true;
  }
  if (!out) return null;
  const kept = keep.filter(ok);
  if (kept.length) {
    low = Math.min(low, ...kept); high = Math.max(high, ...kept);
    if (low <= vmin && high >= vmax) return null;  // nothing is left out after all
  }
  if (log) { low = Math.log10(low); high = Math.log10(high); }
  const pad = (high - low) * PAD;
  low -= pad; high += pad;
  return log ? [10 ** low, 10 ** high] : [low, high];
}
// The y range of a panel zoomed in x: the values in view (per-step values and epoch values),
// outliers left out with `ignore` (never an epoch value: `keep`); else their whole span.
// [null, null] when nothing is in view (bqplot's own range).
export function fitRange(parts, keep, log, ignore) {
  const r = ignore ? robustRange(parts, log, keep) : null;
  if (r) return r;
  const ok = log ? (v) => v > 0 && v < Infinity : (v) => v - v === 0;
  let low = Infinity, high = -Infinity;
  for (const a of parts) for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (ok(v)) { if (v < low) low = v; if (v > high) high = v; }
  }
  return low < high ? [low, high] : [null, null];
}

// First i with x[i] >= v (x sorted); with `after`, first i with x[i] > v.
function lowerIndex(x, n, v, after = false) {
  let a = 0, b = n;
  while (a < b) { const m = (a + b) >>> 1; if (x[m] < v || (after && x[m] === v)) a = m + 1; else b = m; }
  return a;
}

// -- the model-wide logic: one per controls model, whatever the number of views -------------
function controller(model) {
  let panels = [];
  let applying = 0;
  let timer = null;
  const zoomed = new Set();  // families whose y range the person set (pan/zoom): kept as set
  const C = { panels: () => panels, zoomed, listeners: new Set() };
  const local = (fn) => { applying++; try { fn(); } finally { applying--; } };
  // Each panel's series marks are found in the visibility's blocks (by the panel's x scale):
  // the kernel sends a block of runs when a trial adds marks, not every panel's whole list.
  let visMarks = [];
  const hookedBlocks = new WeakSet();
  async function loadVis() {
    const ref = model.get("visibility");
    const vis = ref ? await resolve(model, ref) : null;
    if (!vis) return;
    if (!hookedBlocks.has(vis)) { hookedBlocks.add(vis); vis.on("change:blocks", loadVis); }
    const blocks = await blocksOf(vis, hookedBlocks, "change:marks", loadVis);
    const read = await visLists(blocks);
    if (!read.changed.size) return;  // no new marks: nothing to draw on another scale
    visMarks = Object.values(read.lists).flat();
    kernelDrew();
  }
  const visLists = markLists(model);
  // A panel's marks: its per-step lines and every run's marks on its x scale (the list kept
  // while neither changes: applyAll runs at every kernel redraw).
  const own = (p) => {
    if (p.own && p.ownOf === visMarks) return p.own;
    p.ownOf = visMarks;
    p.own = [...p.marks, ...visMarks.filter((m) => (m.get("scales") || {}).x === p.x)];
    return p.own;
  };

  async function load() {
    const raw = model.get("panels") || [];
    panels = await Promise.all(raw.map(async (p) => {
      const get = (r) => resolve(model, r);
      const [figure, axis, xAxis, x, lin, log, pz] = await Promise.all(
        [p.figure, p.axis, p.x_axis, p.x_scale, p.y_lin, p.y_log, p.panzoom].map(get));
      const marks = await Promise.all(p.marks.map(get));
      const steps = await Promise.all(p.steps.map((pair) => Promise.all(pair.map(get))));
      return { family: p.family, figure, axis, xAxis, x, lin, log, pz, marks, steps };
    }));
    for (const p of panels) {
      for (const [raw, smooth] of p.steps)
        for (const m of [raw, smooth]) if (!m.__lc) { m.__lc = true; m.on("change:y", kernelDrew); }
      for (const s of [p.x, p.lin, p.log]) if (!s.__lc) {
        s.__lc = true;
        s.on("change:min change:max", () => {
          if (s !== p.x) { if (!applying) zoomed.add(p.family); return; }
          local(() => { applyTicks(p); applyRange(p); });  // x zoomed: y fits what is in view
        });
      }
    }
    applyAll();
  }
  // The kernel redrew (new points): keep the browser's choices on top of them.
  function kernelDrew() {
    if (applying || timer) return;
    timer = setTimeout(() => { timer = null; applyAll(); }, 20);
  }

  const isLog = (family) => (model.get("log_panels") || []).includes(family);
  function applyScale(p) {
    const s = isLog(p.family) ? p.log : p.lin;
    if (p.axis.get("scale") !== s) setLocal(p.axis, { scale: s });
    for (const m of own(p)) {
      const sc = m.get("scales");
      if (sc && sc.y !== s) setLocal(m, { scales: { ...sc, y: s } });
    }
    // Pan and zoom move x only: the y range then fits what is in view (applyRange).
    const pzs = p.pz.get("scales") || {};
    if (!pzs.x || pzs.x[0] !== p.x || !pzs.y || pzs.y.length) setLocal(p.pz, { scales: { x: [p.x], y: [] } });
  }
  function applyRange(p) {
    if (zoomed.has(p.family)) return;
    const ignore = model.get("ignore_outliers");
    let lin, log;
    const lo = p.x.get("min"), hi = p.x.get("max");
    if (lo != null && hi != null) {  // zoomed in x: fit y to what is in view
      const { parts, keep } = visible(p, lo, hi);
      lin = fitRange(parts, keep, false, ignore);
      log = fitRange(parts, keep, true, ignore);
    } else {
      const r = (model.get("ranges") || {})[p.family] || {};
      lin = (ignore && r.lin) || [null, null];
      log = (ignore && r.log) || r.log_floor || [null, null];
    }
    for (const [s, [min, max]] of [[p.lin, lin], [p.log, log]])
      if (s.get("min") !== min || s.get("max") !== max) setLocal(s, { min, max });
  }
  // The values a panel shows for x in [lo, hi] (and the figure's padding each side): each
  // per-step series at full resolution where the step store draws it (else the kernel's line),
  // and the epoch values (`keep`: never left out). Smoothed lines add nothing (averages).
  function visible(p, lo, hi) {
    const pad = (Number(p.figure.get("padding_x")) || 0);
    const extra = (hi - lo) * (pad + 0.01) / Math.max(1 - 2 * pad, 0.5);
    const a = lo - extra, b = hi + extra;
    const parts = [], keep = [];
    const stepMarks = new Set();
    const inRange = (x, y, n) => {
      let i0 = 0, i1 = n;
      while (i0 < n && !(x[i0] >= a)) i0++;  // x may be unsorted (kernel lines are sorted)
      while (i1 > i0 && !(x[i1 - 1] <= b)) i1--;
      return y.subarray ? y.subarray(i0, i1) : Array.prototype.slice.call(y, i0, i1);
    };
    for (const [raw, smooth] of p.steps) {
      stepMarks.add(raw); stepMarks.add(smooth);
      const held = raw.__lcHeld ? raw.__lcHeld() : null;  // steps_store.js: every step held
      if (held) parts.push(held.y.subarray(lowerIndex(held.x, held.n, a), lowerIndex(held.x, held.n, b, true)));
      else {
        const x = raw.get("x"), y = raw.get("y");
        if (x && y && x.length) parts.push(inRange(x, y, Math.min(x.length, y.length)));
      }
    }
    for (const m of own(p)) {
      if (stepMarks.has(m) || m.get("_model_name") !== "LinesModel") continue;
      const x = m.get("x"), y = m.get("y");
      if (!x || !y) continue;
      for (let i = 0; i < Math.min(x.length, y.length); i++)
        if (x[i] >= a && x[i] <= b) keep.push(Number(y[i]));
    }
    parts.push(keep);
    return { parts, keep };
  }
  // The x tick labels follow the visible range: the zoom's, else the data's (sent by the kernel).
  function applyTicks(p) {
    if (!p.xAxis) return;
    const st = axisState(p.xAxis, kernelDrew);
    if (!p.views) {  // the panel's figure views, for its width
      p.views = [];
      Promise.all(Object.values(p.figure.views || {})).then((views) => {
        p.views = views.length ? views : null;  // none shown yet: ask again at the next redraw
        if (views.length) kernelDrew();
      });
    }
    const data = ((model.get("ranges") || {})[p.family] || {}).x || [null, null];
    const zoomedX = p.x.get("min") != null || p.x.get("max") != null;
    const lo = p.x.get("min") ?? data[0], hi = p.x.get("max") ?? data[1];
    const shown = p.views.map((v) => v.el.getBoundingClientRect().width).filter((w) => w > 0);
    const width = (shown.length ? Math.min(...shown) : 400) - 100;  // the plot area: less the margins
    let { format, values } = xTicks(lo, hi, width);
    const kernel = st.kernel && st.kernel.length ? st.kernel : null;
    if (kernel && !zoomedX) values = kernel;
    if (p.xAxis.get("tick_format") !== format) setLocal(p.xAxis, { tick_format: format });
    const now = p.xAxis.get("tick_values");
    const same = (a, b) => (!a || !a.length) ? (!b || !b.length) : !!b && a.length === b.length && Array.from(a).every((v, i) => v === b[i]);
    if (!same(values, now)) {
      st.setting = true;
      try { setLocal(p.xAxis, { tick_values: values }); } finally { st.setting = false; }
    }
  }
  // Smoothing preview: TensorBoard's debiased moving average over the drawn points, each point
  // weighted by the steps it stands for; the kernel redraws the exact line once it is free.
  function applySmoothing(p) {
    const w = model.get("smoothing");
    if (Math.abs(w - model.get("kernel_smoothing")) < 1e-9) return;
    const dx = ((model.get("ranges") || {})[p.family] || {}).dx;
    for (const [raw, smooth] of p.steps) {
      // Zoomed with every step held: steps_store.js draws the exact line over all the steps
      // before the range too (a preview here would restart the average at the left edge).
      if (raw.__lcHeld && raw.__lcHeld()) continue;
      const x = raw.get("x"), y = raw.get("y");
      if (!x || !y || !x.length) continue;
      if (w === 0) { setLocal(smooth, { x: new Float32Array(0), y: new Float32Array(0) }); continue; }
      const out = new Float32Array(y.length);
      let last = 0, norm = 0, prev = null;
      for (let i = 0; i < y.length; i++) {
        const v = y[i];
        if (!Number.isFinite(v)) { out[i] = NaN; continue; }
        const k = prev === null || !dx ? 1 : Math.max((x[i] - prev) / dx, 1);
        const a = Math.pow(w, k);
        last = a * last + (1 - a) * v; norm = a * norm + (1 - a);
        out[i] = last / norm; prev = x[i];
      }
      setLocal(smooth, { x: Float32Array.from(x), y: out });
    }
  }
  function applyAll() {
    local(() => { for (const p of panels) { applyScale(p); applyRange(p); applySmoothing(p); applyTicks(p); } });
    for (const f of C.listeners) f();
  }
  C.applyAll = applyAll;
  C.setZoom = (on) => local(() => {
    for (const p of panels) setLocal(p.figure, { interaction: on ? p.pz : null });
  });
  C.reset = () => {
    zoomed.clear();
    local(() => {
      for (const p of panels) for (const s of [p.x, p.lin, p.log]) {
        s.set({ min: null, max: null }); s.save_changes();  // pan/zoom told the kernel too
      }
    });
    applyAll();
  };
  model.on("change:panels", load);
  model.on("change:log_panels change:ranges change:ignore_outliers change:smoothing change:kernel_smoothing", applyAll);
  model.on("change:visibility", loadVis);
  C.ready = load().then(loadVis);
  return C;
}

// -- saving from the browser: the panels as shown, next to the notebook ----------------------
function config() {
  const el = document.getElementById("jupyter-config-data");
  const c = el ? JSON.parse(el.textContent) : {};
  let base = c.baseUrl || "/";
  if (!base.endsWith("/")) base += "/";
  return { base, token: c.token || new URLSearchParams(location.search).get("token") || "" };
}
async function api(method, path, body) {
  const { base, token } = config();
  const m = document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/);
  const headers = { "Content-Type": "application/json", "X-XSRFToken": m ? decodeURIComponent(m[1]) : "" };
  if (token) headers.Authorization = `token ${token}`;
  const r = await fetch(base + path, { method, headers, credentials: "same-origin", body: body && JSON.stringify(body) });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status}`);
  return r.json();
}
async function putNextToNotebook(model, name, format, content) {
  const kid = model.widget_manager.kernel?.id || model.get("kernel_id");
  const sessions = await api("GET", "api/sessions");
  const s = sessions.find((s) => s.kernel && s.kernel.id === kid);
  if (!s) throw new Error("no notebook session for this kernel");
  const i = s.path.lastIndexOf("/");
  const path = (i < 0 ? "" : s.path.slice(0, i + 1)) + name;
  const r = await api("PUT", "api/contents/" + path.split("/").map(encodeURIComponent).join("/"), { type: "file", format, content });
  return r.path;
}

// One SVG of every visible panel, laid out as on screen, with a legend line under each.
async function composeSvg(root, C) {
  const bg = getComputedStyle(root).getPropertyValue("--jp-layout-color0").trim() || "white";
  const fg = getComputedStyle(root).getPropertyValue("--jp-ui-font-color1").trim() || "black";
  const parts = [];
  let left = Infinity, top = Infinity, right = 0, bottom = 0;
  for (const p of C.panels()) {
    const views = await Promise.all(Object.values(p.figure.views || {}));
    const view = views.find((v) => v.el && root.contains(v.el) && v.el.getBoundingClientRect().width > 0);
    if (!view) continue;
    const r = view.el.getBoundingClientRect();
    let svg = await view.get_svg();
    svg = svg.replace(/<\?xml[^>]*>/, "").replace(/var\(--jp-layout-color0,\s*white\)/g, bg);
    // The lines the figure draws (its grey blocks named once, as "other runs").
    const named = new Set();
    const legend = (p.figure.get("marks") || []).filter((m) => m && m.get && m.get("visible") !== false && m.get("labels")
      && m.get("_model_name") === "LinesModel" && !/\((per step|smoothed)\)$/.test(m.get("labels")[0])
      && (m.get("y") || []).length && !(/^other runs/.test(m.get("labels")[0]) && (named.has(m.get("labels")[0]) || !named.add(m.get("labels")[0]))));
    parts.push({ r, svg, legend });
    left = Math.min(left, r.left); top = Math.min(top, r.top);
    right = Math.max(right, r.right); bottom = Math.max(bottom, r.bottom + 20);
  }
  if (!parts.length) throw new Error("no panel is shown");
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const W = Math.ceil(right - left), H = Math.ceil(bottom - top);
  let out = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"><rect width="100%" height="100%" fill="${bg}"/>`;
  for (const { r, svg, legend } of parts) {
    const x = r.left - left, y = r.top - top;
    out += `<g transform="translate(${x},${y})">${svg}</g>`;
    let lx = x + 70;
    for (const m of legend) {
      const name = m.get("labels")[0], c = m.get("colors")[0], dash = m.get("line_style") === "dashed" ? ' stroke-dasharray="6,4"' : "";
      out += `<line x1="${lx}" x2="${lx + 24}" y1="${y + r.height + 10}" y2="${y + r.height + 10}" stroke="${esc(c)}" stroke-width="2.5"${dash}/>`;
      out += `<text x="${lx + 29}" y="${y + r.height + 14}" font-family="sans-serif" font-size="12" fill="${esc(fg)}">${esc(name)}</text>`;
      lx += 45 + 7 * name.length;
    }
  }
  return { svg: out + "</svg>", width: W, height: H };
}
function svgToPngBase64({ svg, width, height }) {
  return new Promise((ok, fail) => {
    const img = new Image();
    const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml;charset=utf-8" }));
    img.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = width * 2; canvas.height = height * 2;
      const ctx = canvas.getContext("2d"); ctx.scale(2, 2); ctx.drawImage(img, 0, 0);
      URL.revokeObjectURL(url);
      ok(canvas.toDataURL("image/png").split(",")[1]);
    };
    img.onerror = () => fail(new Error("the browser could not draw the figure"));
    img.src = url;
  });
}
function download(name, base64, mime) {
  const a = document.createElement("a");
  a.href = `data:${mime};base64,${base64}`; a.download = name.split("/").pop();
  document.body.appendChild(a); a.click(); a.remove();
}

// -- the bar ---------------------------------------------------------------------------------
const CONTROLLERS = new WeakMap();

function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  for (const c of children) e.append(c);
  return e;
}

export default {
  render: detached(async ({ model, el: host }) => {
    if (!CONTROLLERS.has(model)) CONTROLLERS.set(model, controller(model));
    const C = CONTROLLERS.get(model);
    host.classList.add("lc-controls");
    const touch = (k, v) => { model.set(k, v); model.save_changes(); };

    // smoothing
    const slider = el("input", { type: "range", min: 0, max: 0.99, step: 0.01, className: "lc-smoothing", title: "smoothing of the per-step lines" });
    const sval = el("span", { className: "lc-smoothing-value" });
    const smoothing = el("label", { className: "lc-group lc-smoothing-group" }, "smoothing ", slider, sval);
    slider.oninput = () => { sval.textContent = Number(slider.value).toFixed(2); };
    slider.onchange = () => touch("smoothing", Number(slider.value));
    // log scale, per panel
    const logs = el("span", { className: "lc-group lc-logs" });
    // outliers, pan/zoom, reset
    const outliers = el("input", { type: "checkbox", className: "lc-outliers" });
    outliers.onchange = () => touch("ignore_outliers", outliers.checked);
    const zoom = el("button", { className: "lc-button lc-zoom", textContent: "pan/zoom", title: "drag to pan, wheel to zoom" });
    let zooming = false;
    zoom.onclick = () => { zooming = !zooming; zoom.classList.toggle("lc-on", zooming); C.setZoom(zooming); };
    const reset = el("button", { className: "lc-button lc-reset", textContent: "reset", title: "back to the whole curve" });
    reset.onclick = () => C.reset();
    // save
    const file = el("input", { type: "text", className: "lc-file", spellcheck: false });
    file.onchange = () => touch("filename", file.value);
    const save = el("button", { className: "lc-button lc-save", textContent: "Save" });
    const status = el("span", { className: "lc-status" });
    const note = el("span", { className: "lc-note" });
    save.onclick = async () => {
      const name = file.value.trim();
      const ext = (name.match(/\.([A-Za-z]+)$/) || [])[1]?.toLowerCase();
      if (ext !== "png" && ext !== "svg") {
        model.send({ event: "save", name });
        status.textContent = `${name}: .${ext || "?"} files are written by Python, when the kernel is free`;
        return;
      }
      status.textContent = "saving…";
      let content;
      try {
        const picture = await composeSvg(host.closest(".livecurve") || document.body, C);
        content = ext === "svg" ? picture.svg : await svgToPngBase64(picture);
      } catch (e) { status.textContent = `not saved: ${e.message}`; return; }
      const format = ext === "svg" ? "text" : "base64";
      try {
        const path = await putNextToNotebook(model, name, format, content);
        status.textContent = `saved ${path} (${new Date().toLocaleTimeString()})`;
      } catch (e) {
        const b64 = ext === "svg" ? btoa(unescape(encodeURIComponent(content))) : content;
        download(name, b64, ext === "svg" ? "image/svg+xml" : "image/png");
        status.textContent = `downloaded ${name} (no Jupyter server to write to: ${e.message})`;
      }
    };

    const bar = el("div", { className: "lc-bar" }, smoothing, logs,
      el("label", { className: "lc-group" }, outliers, " ignore outliers"), zoom, reset,
      el("span", { className: "lc-group lc-savegroup" }, file, save, status));
    host.append(bar, note);

    // A redraw updates these elements in place and never replaces one: a press that lands on a
    // control and a release on its replacement would be no click at all (lost while fit() runs).
    const logButtons = new Map();  // family -> its button, made once
    function logButton(family) {
      let b = logButtons.get(family);
      if (b) return b;
      b = el("button", { className: "lc-button lc-log", textContent: family, title: `logarithmic y axis for ${family}` });
      b.dataset.family = family;
      b.onclick = () => {
        const now = model.get("log_panels") || [];
        touch("log_panels", now.includes(family) ? now.filter((f) => f !== family) : [...now, family]);
      };
      logButtons.set(family, b);
      return b;
    }
    const logLabel = document.createTextNode("log y:");
    let pressing = false;  // the slider's thumb is held: the kernel's value waits
    slider.addEventListener("pointerdown", () => { pressing = true; });
    const released = () => { pressing = false; };
    window.addEventListener("pointerup", released);
    let shownSmoothing = null;
    let saidStatus = "";
    function show() {
      const w = model.get("smoothing");
      if (w !== shownSmoothing && !pressing) {
        shownSmoothing = w;
        slider.value = w; sval.textContent = w.toFixed(2);
      }
      const display = model.get("has_steps") ? "" : "none";
      if (smoothing.style.display !== display) smoothing.style.display = display;
      const ignore = model.get("ignore_outliers");
      if (outliers.checked !== ignore) outliers.checked = ignore;
      if (document.activeElement !== file && file.value !== model.get("filename")) file.value = model.get("filename");
      const said = model.get("status");  // what Python said, once: the browser's saves say theirs
      if (said !== saidStatus) { saidStatus = said; if (said) status.textContent = said; }
      const chosen = model.get("log_panels") || [];
      const ranges = model.get("ranges") || {};
      // The set of panels changes rarely (a new metric): only then are buttons added or removed.
      const wanted = [logLabel, ...C.panels().map((p) => logButton(p.family))];
      const now = [...logs.childNodes];
      if (wanted.length !== now.length || wanted.some((n, i) => n !== now[i])) {
        for (const n of now) if (!wanted.includes(n)) n.remove();
        wanted.forEach((n, i) => { if (logs.childNodes[i] !== n) logs.insertBefore(n, logs.childNodes[i] || null); });
      }
      for (const [family, b] of logButtons) {
        const on = chosen.includes(family);
        if (b.classList.contains("lc-on") !== on) b.classList.toggle("lc-on", on);
      }
      const hidden = chosen.filter((f) => (ranges[f] || {}).hidden);
      const preview = model.get("has_steps") && Math.abs(w - model.get("kernel_smoothing")) > 1e-9;
      const text = [
        ...hidden.map((f) => `${f}: ${ranges[f].hidden} values ≤ 0 are not drawn on the log axis`),
        preview ? "smoothing: a preview over the drawn points until the kernel is free" : "",
      ].filter(Boolean).join(" · ");
      if (note.textContent !== text) note.textContent = text;
    }
    C.listeners.add(show);
    model.on("change:status change:filename change:has_steps", show);
    await C.ready;
    show();
    return () => {
      C.listeners.delete(show);
      window.removeEventListener("pointerup", released);
      model.off("change:status change:filename change:has_steps", show);
    };
  }),
};
