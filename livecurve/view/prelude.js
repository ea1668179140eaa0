// What livecurve's front ends share. module_text() puts this text before each module: an
// anywidget module is one text, with no build step to import from.

// A widget reference ("IPY_MODEL_<id>", or a model already) -> its model (a promise).
const strip = (ref) => (typeof ref === "string" && ref.startsWith("IPY_MODEL_") ? ref.slice(10) : ref);
const resolve = (model, ref) =>
  ref && typeof ref === "object" && ref.get ? ref : model.widget_manager.get_model(strip(ref));

// A module's render, run detached: it returns at once, and its cleanup waits for it. anywidget
// waits for render() (for its cleanup), and ipywidgets chains a view's rendering into its
// model's state changes, which JupyterLab waits for before it reads the kernel's next message:
// a render waiting for other widgets' models (sent later) held every kernel message behind it,
// for ipywidgets' 2 s wait per model, then failed ("widget model not found"), in a figure of
// thousands of widgets.
function detached(render) {
  return (args) => {
    const done = render(args).catch((e) => { console.error("livecurve: a view failed", e); });
    return () => done.then((cleanup) => { if (typeof cleanup === "function") cleanup(); });
  };
}

// Set attributes in the browser only (the kernel is not told, and sends its own).
function setLocal(m, attrs) {
  m.set(attrs);
  if (m._buffered_state_diff) for (const k of Object.keys(attrs)) delete m._buffered_state_diff[k];
}

// A collection the kernel sends in blocks of runs (view/blocks.py): the blocks listed by
// `owner`'s `trait`, each listened to once (`event` calls `onChange`).
async function blocksOf(owner, hooked, event, onChange, trait = "blocks") {
  const blocks = await Promise.all((owner.get(trait) || []).map((r) => resolve(owner, r)));
  for (const b of blocks) if (!hooked.has(b)) { hooked.add(b); b.on(event, onChange); }
  return blocks;
}

// Lists of marks by key ({"12": [refs]}), sent in blocks of runs (view/blocks.py). Returns a
// function from the blocks to { lists: every key's marks, changed: the keys whose list is new
// since the last call }: a block whose lists the kernel did not send again is not read again,
// and a list is resolved again only when its refs changed (a new trial: its own lists). A
// front end then looks at a new trial's marks, not at those of 200 runs.
function markLists(model) {
  const read = new WeakMap();  // block model -> { raw: its "marks" as read, lists }
  const resolved = new Map();  // key -> { key: the refs joined, list }
  const refKey = (refs) => refs.map((r) => (typeof r === "string" ? r : r.model_id)).join(",");
  return async (blocks) => {
    const changed = new Set();
    const parts = await Promise.all(blocks.map(async (block) => {
      const raw = block.get("marks") || {};
      const had = read.get(block);
      if (had && had.raw === raw) return had.lists;
      const lists = Object.fromEntries(await Promise.all(Object.entries(raw).map(async ([id, refs]) => {
        const key = refKey(refs), was = resolved.get(id);
        if (was && was.key === key) return [id, was.list];
        const list = await Promise.all(refs.map((r) => resolve(model, r)));
        resolved.set(id, { key, list });
        changed.add(id);
        return [id, list];
      })));
      read.set(block, { raw, lists });
      return lists;
    }));
    return { lists: Object.assign({}, ...parts), changed };
  };
}
