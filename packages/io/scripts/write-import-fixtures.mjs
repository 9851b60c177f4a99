// Writes the other looms' files that the import tests read (src/__fixtures__/foreign/), shaped the way each tool
// writes them; deterministic (seeded), so running it again gives the same bytes (after `pnpm run build`). Where each shape comes from:
//  - PyLoom (socketteer/loom): model.py (save_tree → json of tree_raw_data; node_creation_metadata; set_generated_nodes
//    → node.generation {id, index}; model_responses[id] = gen()'s formatted response, examples/openAI_formatted_response.json;
//    _init_global_objects' chapters/canonical/summaries; DEFAULT_* settings), util_tree.new_node, data/loom_demo.json
//    (a root without id, nodes with open/visited/tags/chapter_id/text_attributes).
//  - Loomsidian (cosmicoptima/loom): common.ts (LoomSettings, Node, NoteState), main.ts (saveData({settings, state})),
//    and Tapestry Loom's migration-assistant/src/loomsidian (the older list-of-nodes form with value/author).
//  - MiniLoom (JD-P/miniloom): src/renderer.js LoomTree.serialize() and saveFile ({loomTree, focus}); patches from the
//    diff-match-patch npm package, as its preload's patch_make gives them.
//  - Tapestry Loom (transkatgirl/Tapestry-Loom): tapestry-weave content (NodeContent, InnerNodeContent, InnerNodeToken,
//    Creator), universal_weave IndependentWeave/IndependentNode serde fields; ids are random u64 (written as JSON numbers).
//  - Exoloom: Tapestry Loom's migration-assistant/src/exoloom (the only public witness of its export).
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { seededRandom as rng } from "@loom/core/internal";

const require = createRequire(import.meta.url);
const DiffMatchPatch = require("diff-match-patch");
const dmp = new DiffMatchPatch();

const out = new URL("../src/__fixtures__/foreign/", import.meta.url);
mkdirSync(out, { recursive: true });
/** Small fixtures are indented for reading; large ones are written compact (as the tools' own writers may). */
const write = (name, value, raw) =>
  writeFileSync(new URL(name, out), raw ?? `${JSON.stringify(value, null, name.includes("large") ? 0 : 2)}\n`);

const WORDS =
  "the harbor keeper lamp salt wind tide rope gull stone night water boat light bell fog island shore wave dark rain morning whale net song house quiet ledger cold iron".split(
    " ",
  );
const PUNCT = [",", ".", ";", " —"];

function tokensFor(rand, n) {
  const tokens = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    const text = r < 0.12 ? PUNCT[Math.floor(rand() * PUNCT.length)] : ` ${WORDS[Math.floor(rand() * WORDS.length)]}`;
    const lp = -Math.round(rand() * 600) / 100;
    tokens.push({ text, lp });
  }
  return tokens;
}

function uuidFrom(rand) {
  const h = () =>
    Math.floor(rand() * 0x10000)
      .toString(16)
      .padStart(4, "0");
  return `${h()}${h()}-${h()}-4${h().slice(1)}-a${h().slice(1)}-${h()}${h()}${h()}`;
}

const stamp = (ms) => {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}.${p(d.getUTCMinutes())}.${p(d.getUTCSeconds())}`;
};

// ---------------------------------------------------------------- PyLoom

const PYLOOM_SETTINGS = {
  generation_settings: {
    num_continuations: 4,
    temperature: 0.9,
    top_p: 1,
    response_length: 100,
    prompt_length: 6000,
    logprobs: 3,
    model: "davinci-002",
    stop: "",
    start: "",
    restart: "",
    preset: "None",
    global_context: "",
    logit_bias: "",
    template: "Default",
  },
  preferences: {
    reverse: false,
    walk: "descendents",
    nav_tag: "bookmark",
    editable: true,
    model_response: "backup",
    prob: true,
  },
  visualization_settings: { text_width: 450, leaf_distance: 200, level_distance: 150, text_size: 10, horizontal: true },
  tags: {
    bookmark: {
      name: "bookmark",
      scope: "node",
      hide: false,
      show_only: false,
      toggle_key: "b",
      icon: "bookmark-black",
    },
    archived: {
      name: "archived",
      scope: "node",
      hide: true,
      show_only: false,
      toggle_key: "!",
      icon: "archive-yellow",
    },
  },
  canonical: [],
  summaries: {},
  frame: {},
};

function formattedCompletion(tokens) {
  let at = 0;
  return {
    text: tokens.map((t) => t.text).join(""),
    finishReason: "length",
    tokens: tokens.map((t, i) => {
      const start = at;
      at += t.text.length;
      const cf = { [t.text]: t.lp };
      if (t.alts) for (const [k, v] of t.alts) cf[k] = v;
      return {
        generatedToken: { token: t.text, logprob: t.lp },
        position: { start, end: at },
        counterfactuals: i % 5 === 4 ? null : cf,
      };
    }),
  };
}

function withAlts(rand, tokens, k) {
  return tokens.map((t) => ({
    ...t,
    alts: Array.from({ length: k }, () => [
      ` ${WORDS[Math.floor(rand() * WORDS.length)]}`,
      t.lp - 0.5 - Math.round(rand() * 300) / 100,
    ]),
  }));
}

function pyloomSmall() {
  const rand = rng(11);
  const t0 = Date.UTC(2023, 1, 13, 21, 0, 30);
  const comps = [0, 1, 2, 3].map(() => withAlts(rand, tokensFor(rand, 6), 2));
  const rawTokens = tokensFor(rand, 5);
  const responses = {
    "cmpl-6xKq3mNpRfT1": {
      id: "cmpl-6xKq3mNpRfT1",
      model: "davinci-002",
      timestamp: stamp(t0 + 60000),
      prompt: { text: "The lighthouse keeper counted ships that never came.", tokens: [] },
      completions: comps.map(formattedCompletion),
    },
    // An older tree keeps OpenAI's raw response (choices[].logprobs) instead of the formatted one.
    "cmpl-3mpwvOSNXHuPcwDgvMUzTbJduHFSQ": {
      id: "cmpl-3mpwvOSNXHuPcwDgvMUzTbJduHFSQ",
      object: "text_completion",
      created: 1632743249,
      model: "curie:2020-05-03",
      choices: [
        {
          text: rawTokens.map((t) => t.text).join(""),
          index: 0,
          finish_reason: "length",
          logprobs: {
            tokens: rawTokens.map((t) => t.text),
            token_logprobs: rawTokens.map((t) => t.lp),
            top_logprobs: rawTokens.map((t) => ({ [t.text]: t.lp, " and": t.lp - 1.25 })),
            text_offset: rawTokens.map((_, i) => 100 + i),
          },
        },
      ],
    },
  };
  const gen = (i, id, extra = {}) => ({
    id,
    text: comps[i].map((t) => t.text).join(""),
    parent_id: "84f21d4a-2027-11ec-9ac4-dfd5122a3f0d",
    open: false,
    visited: i === 0,
    meta: { creation_timestamp: stamp(t0 + 60000), source: "AI", modified: false },
    generation: { id: "cmpl-6xKq3mNpRfT1", index: i },
    children: [],
    ...extra,
  });
  const b0 = gen(0, "9b1c2d3e-5c6e-11eb-b0b9-7576d99a7ee4");
  b0.children.push({
    id: "3074457352913436538",
    text: rawTokens.map((t) => t.text).join(""),
    parent_id: b0.id,
    meta: { creation_timestamp: stamp(t0 + 120000), source: "AI", modified: false },
    generation: { id: "cmpl-3mpwvOSNXHuPcwDgvMUzTbJduHFSQ", index: 0 },
    tags: ["pinned"],
    children: [],
  });
  const edited = gen(2, "d7c95224-5c70-11eb-b0b9-7576d99a7ee4", {
    text: " the salt wind, rewritten by hand.",
    meta: { creation_timestamp: stamp(t0 + 60000), source: "mixed", modified: true },
  });
  const tree = {
    root: {
      mutable: false,
      visited: true,
      text: "",
      open: true,
      children: [
        {
          id: "d56aafb6-165f-11ec-b847-acde48001122",
          text: "",
          open: true,
          children: [
            {
              mutable: true,
              visited: true,
              id: "84f21d4a-2027-11ec-9ac4-dfd5122a3f0d",
              text: "The lighthouse keeper counted ships that never came.",
              parent_id: "d56aafb6-165f-11ec-b847-acde48001122",
              open: true,
              meta: { creation_timestamp: stamp(t0), source: "prompt", modified: false },
              tags: ["bookmark"],
              chapter_id: "02a78654-687b-11eb-9015-25b86b4536cb",
              text_attributes: { child_preview: "The keeper" },
              frame: { generation_settings: { temperature: 0.8 } },
              children: [
                b0,
                gen(1, "0dad788d-5931-11eb-b0b9-7576d99a7ee4", { tags: ["archived"] }),
                edited,
                // A node whose response was discarded (preferences.model_response: "discard").
                { ...gen(3, "d7c95226-5c70-11eb-b0b9-7576d99a7ee4"), generation: { id: "cmpl-discarded", index: 3 } },
                {
                  id: "1900d69c-5158-11eb-bbcc-cb04361d1607",
                  text: "\nYou choose -- the noise, high and whirring.",
                  parent_id: "84f21d4a-2027-11ec-9ac4-dfd5122a3f0d",
                  meta: { creation_timestamp: stamp(t0 + 300000), source: "prompt", modified: false },
                  chapter_id: "051fe296-687b-11eb-9015-25b86b4536cb",
                  children: [],
                },
              ],
            },
          ],
        },
      ],
    },
    chapters: {
      "02a78654-687b-11eb-9015-25b86b4536cb": {
        id: "02a78654-687b-11eb-9015-25b86b4536cb",
        root_id: "84f21d4a-2027-11ec-9ac4-dfd5122a3f0d",
        title: "The keeper",
      },
      "051fe296-687b-11eb-9015-25b86b4536cb": {
        id: "051fe296-687b-11eb-9015-25b86b4536cb",
        root_id: "1900d69c-5158-11eb-bbcc-cb04361d1607",
        title: "The noise",
      },
    },
    selected_node_id: "3074457352913436538",
    model_responses: responses,
    ...PYLOOM_SETTINGS,
  };
  write("pyloom-lighthouse.json", tree);
}

/** A PyLoom-style tree of `count` nodes: each generation adds 4 children from one response (num_continuations 4). */
export function pyloomLarge(count, seed = 7, { logprobs = 1, tokens = 6 } = {}) {
  const rand = rng(seed);
  const t0 = Date.UTC(2023, 2, 1, 9, 0, 0);
  const root = {
    id: "root-0000",
    text: "The ledger of the harbor began in the cold year.",
    meta: { creation_timestamp: stamp(t0), source: "prompt", modified: false },
    children: [],
  };
  const responses = {};
  const open = [root];
  let made = 1;
  let gens = 0;
  while (made < count) {
    const parent = open[Math.floor(rand() * open.length)];
    const rid = `cmpl-${seed}-${++gens}`;
    const comps = [0, 1, 2, 3].map(() => withAlts(rand, tokensFor(rand, tokens), logprobs - 1));
    responses[rid] = {
      id: rid,
      model: "davinci-002",
      timestamp: stamp(t0 + gens * 1000),
      prompt: { text: "…", tokens: [] },
      completions: comps.map(formattedCompletion),
    };
    for (let i = 0; i < 4 && made < count; i++) {
      const node = {
        id: uuidFrom(rand),
        text: comps[i].map((t) => t.text).join(""),
        parent_id: parent.id,
        open: false,
        visited: rand() < 0.5,
        meta: { creation_timestamp: stamp(t0 + gens * 1000), source: "AI", modified: false },
        generation: { id: rid, index: i },
        children: [],
      };
      parent.children.push(node);
      open.push(node);
      made++;
    }
  }
  let tip = root;
  while (tip.children.length > 0) tip = tip.children[tip.children.length - 1];
  return { root, chapters: {}, selected_node_id: tip.id, model_responses: responses, ...PYLOOM_SETTINGS };
}

// ---------------------------------------------------------------- Loomsidian

const LOOMSIDIAN_SETTINGS = {
  passageFolder: "loom/passages",
  defaultPassageSeparator: "\\n\\n---\\n\\n",
  defaultPassageFrontmatter: "%r:\\n",
  logApiCalls: false,
  modelPresets: [
    {
      name: "davinci-002",
      provider: "openai",
      model: "davinci-002",
      contextLength: 16384,
      apiKey: "sk-fixture-not-a-real-key",
      organization: "",
    },
  ],
  modelPreset: 0,
  visibility: { visibility: true, with: true, modelPreset: true, maxTokens: true, n: true },
  maxTokens: 60,
  temperature: 1,
  topP: 1,
  frequencyPenalty: 0,
  presencePenalty: 0,
  prepend: "<|endoftext|>",
  bestOf: 0,
  n: 5,
  systemPrompt: "",
  userMessage: "",
  showSettings: false,
  showSearchBar: false,
  showNodeBorders: false,
  showExport: false,
};

function loomsidianNote(rand, count, seedText) {
  const nodes = {};
  const ids = [];
  const rootId = uuidFrom(rand);
  nodes[rootId] = {
    text: seedText,
    parentId: null,
    collapsed: false,
    unread: false,
    bookmarked: false,
    lastVisited: 1700000000000,
    searchResultState: null,
  };
  ids.push(rootId);
  while (ids.length < count) {
    const parentId = ids[Math.floor(rand() * ids.length)];
    const id = uuidFrom(rand);
    nodes[id] = {
      text: tokensFor(rand, 3 + Math.floor(rand() * 8))
        .map((t) => t.text)
        .join(""),
      parentId,
      collapsed: rand() < 0.1,
      unread: rand() < 0.3,
      bookmarked: rand() < 0.05,
      ...(rand() < 0.7 ? { lastVisited: 1700000000000 + ids.length * 1000 } : {}),
      searchResultState: null,
    };
    ids.push(id);
  }
  return { current: ids[ids.length - 1], hoisted: [], searchTerm: "", nodes, generating: null };
}

function loomsidianVault() {
  const rand = rng(21);
  const a = uuidFrom(rand);
  const b = uuidFrom(rand);
  const c = uuidFrom(rand);
  const d = uuidFrom(rand);
  const e = uuidFrom(rand);
  const lighthouse = {
    current: d,
    hoisted: [a],
    searchTerm: "",
    generating: null,
    nodes: {
      [a]: {
        text: "The keeper climbed the stairs",
        parentId: null,
        collapsed: false,
        unread: false,
        bookmarked: false,
        lastVisited: 1700000001000,
        searchResultState: null,
      },
      [b]: {
        text: " with the lamp oil,",
        parentId: a,
        collapsed: false,
        unread: true,
        bookmarked: false,
        searchResultState: null,
      },
      [c]: {
        text: " counting each step aloud.",
        parentId: a,
        collapsed: true,
        unread: false,
        bookmarked: true,
        lastVisited: 1700000003000,
        searchResultState: null,
      },
      [d]: {
        text: " The wind was in the glass.",
        parentId: b,
        collapsed: false,
        unread: false,
        bookmarked: true,
        lastVisited: 1700000004000,
        searchResultState: null,
      },
      [e]: {
        text: " Nobody answered.",
        parentId: b,
        collapsed: false,
        unread: true,
        bookmarked: false,
        searchResultState: null,
        color: "blue",
      },
    },
  };
  const r1 = uuidFrom(rand);
  const r2 = uuidFrom(rand);
  const k1 = uuidFrom(rand);
  // "Create sibling" on a root node makes a second root: Loom hangs both under one empty root.
  const twoRoots = {
    current: k1,
    hoisted: [],
    searchTerm: "harbor",
    generating: null,
    nodes: {
      [r1]: {
        text: "Draft one: the harbor.",
        parentId: null,
        collapsed: false,
        unread: false,
        bookmarked: false,
        searchResultState: "result",
      },
      [r2]: {
        text: "Draft two: the ledger.",
        parentId: null,
        collapsed: false,
        unread: false,
        bookmarked: false,
        searchResultState: null,
      },
      [k1]: {
        text: " It was full of names.",
        parentId: r2,
        collapsed: false,
        unread: false,
        bookmarked: false,
        searchResultState: "ancestor",
      },
    },
  };
  write("loomsidian-vault.json", {
    settings: LOOMSIDIAN_SETTINGS,
    state: { "Stories/Lighthouse.md": lighthouse, "Drafts/Two roots.md": twoRoots },
  });
  // An older plugin's note: nodes as a list with ids, `value` for the text and `author` for the model.
  const o1 = uuidFrom(rand);
  const o2 = uuidFrom(rand);
  const o3 = uuidFrom(rand);
  write("loomsidian-old-note.json", {
    current: o3,
    nodes: [
      { id: o1, value: "An old note begins here.", author: "genesis", parentId: null, bookmarked: false },
      {
        id: o2,
        value: " A model went on",
        author: "code-davinci-002",
        parentId: o1,
        bookmarked: true,
        lastVisited: 1650000000000,
      },
      { id: o3, value: " and stopped.", author: "N/A", parentId: o2 },
    ],
  });
}

// ---------------------------------------------------------------- MiniLoom

function miniNode(id, type, parent, patch, summary, ts) {
  return {
    id,
    timestamp: ts,
    type,
    patch,
    summary,
    rating: null,
    read: type === "user",
    parent,
    children: [],
    model: null,
    error: null,
    finishReason: null,
  };
}

function miniloomTree(rand, count, { rewrites = true } = {}) {
  const t0 = 1731000000000;
  const store = { 1: miniNode("1", "root", null, "", "Root Node", t0) };
  const full = { 1: "" };
  const add = (type, parentId, text, summary) => {
    const id = String(Object.keys(store).length + 1);
    const node = miniNode(id, type, parentId, dmp.patch_make(full[parentId], text), summary, t0 + Number(id) * 1000);
    store[parentId].children.push(id);
    store[id] = node;
    full[id] = text;
    return node;
  };
  add("user", "1", "Once upon a time, in a harbor town,", "Harbor town");
  while (Object.keys(store).length < count) {
    const ids = Object.keys(store).filter((id) => id !== "1");
    const parentId = ids[Math.floor(rand() * ids.length)];
    const r = rand();
    const base = full[parentId];
    let node;
    if (rewrites && r < 0.06 && base.length > 20) {
      // A rewrite changes a word of the parent's text, as an edit in MiniLoom's editor does.
      const words = base.split(" ");
      const k = 1 + Math.floor(rand() * (words.length - 1));
      words[k] = WORDS[Math.floor(rand() * WORDS.length)];
      node = add("rewrite", parentId, words.join(" "), "Rewrite");
    } else if (r < 0.2) {
      node = add(
        "user",
        parentId,
        `${base}${tokensFor(rand, 3)
          .map((t) => t.text)
          .join("")}`,
        "User text",
      );
    } else {
      node = add(
        "gen",
        parentId,
        `${base}${tokensFor(rand, 4 + Math.floor(rand() * 6))
          .map((t) => t.text)
          .join("")}`,
        "Generated",
      );
      node.model = "meta-llama/Meta-Llama-3.1-405B";
      node.finishReason = "length";
      const rr = rand();
      node.rating = rr < 0.15 ? true : rr < 0.25 ? false : null;
      node.read = rand() < 0.5;
    }
  }
  return { store, full };
}

function miniloomFocus(store, full, id) {
  // saveFile writes appState.focusedNode whole: the Node object with its derived, unserialised-elsewhere fields.
  return {
    ...store[id],
    cachedRenderText: full[id],
    depth: 2,
    netCharsAdded: 12,
    netWordsAdded: 2,
    characterCount: full[id].length,
    wordCount: full[id].split(/\s+/).length,
    treeStats: {
      maxChildDepth: 0,
      totalChildNodes: 0,
      lastChildUpdate: 0,
      maxWordCountOfChildren: 0,
      maxCharCountOfChildren: 0,
      unreadChildNodes: 0,
    },
    generationPending: false,
  };
}

function miniloomSmall() {
  const rand = rng(31);
  const { store, full } = miniloomTree(rand, 14);
  const last = String(Object.keys(store).length);
  write("miniloom-harbor.json", {
    loomTree: { nodeStore: store },
    focus: miniloomFocus(store, full, last),
    samplerSettingsStore: {
      "base-405b": { outputBranches: 4, tokensPerBranch: 64, temperature: 0.9, topP: 1, topK: 100 },
    },
  });
  return full;
}

// ---------------------------------------------------------------- Tapestry Loom

/** Random u64 ids (Tapestry's WyRand), as decimal strings; written into the JSON as bare numbers. */
function u64(rand) {
  const hi = BigInt(Math.floor(rand() * 2 ** 32));
  const lo = BigInt(Math.floor(rand() * 2 ** 32));
  return ((hi << 32n) | lo).toString();
}

const b64 = (s) => Buffer.from(s, "utf8").toString("base64");

function tapestryToken(rand, text, alts = 3) {
  const lp = -Math.round(rand() * 500) / 100;
  return {
    bytes: typeof text === "string" ? b64(text) : Buffer.from(text).toString("base64"),
    logprob: lp,
    id: Math.floor(rand() * 50000),
    entropy: Math.round(rand() * 300) / 100,
    counterfactual: Array.from({ length: alts }, () => ({
      bytes: b64(` ${WORDS[Math.floor(rand() * WORDS.length)]}`),
      logprob: lp - Math.round(rand() * 400) / 100,
      id: Math.floor(rand() * 50000),
    })),
    original: "Unmodified",
  };
}

const MODEL = {
  label: "Llama-3.1-8B",
  color: "#7aa2f7",
  identifier: null,
  seed: 7,
  system_fingerprint: null,
  finish_reason: "length",
  metadata: { backend: "llama.cpp" },
};

function tapestryNode(id, parent, content, creator, ts, extra = {}) {
  return {
    id: `@@${id}@@`,
    from: parent ? [`@@${parent}@@`] : [],
    to: [],
    active: false,
    bookmarked: false,
    contents: { timestamp: ts, modified: false, content, metadata: {}, creator },
    ...extra,
  };
}

/** JSON with the u64 ids unquoted, as serde_json writes u64 (marked @@id@@ while building). */
const tapestryText = (weave, indent = 2) => `${JSON.stringify(weave, null, indent).replace(/"@@(\d+)@@"/g, "$1")}\n`;

function tapestryWeave(rand, count) {
  const nodes = {};
  const rootId = u64(rand);
  const ts = "2025-06-01T10:00:00-04:00[America/New_York]";
  nodes[rootId] = tapestryNode(rootId, null, { Snippet: b64("The harbor at dusk") }, { User: null }, ts);
  const ids = [rootId];
  while (ids.length < count) {
    const parent = ids[Math.floor(rand() * ids.length)];
    const id = u64(rand);
    const toks = tokensFor(rand, 3 + Math.floor(rand() * 5)).map((t) => tapestryToken(rand, t.text));
    nodes[id] = tapestryNode(id, parent, { Tokens: toks }, { Model: MODEL }, ts);
    nodes[parent].to.push(`@@${id}@@`);
    ids.push(id);
  }
  return { nodes, ids, rootId };
}

function finishWeave(nodes, roots, activeTip, bookmarked, title) {
  const active = [];
  for (let at = activeTip; at; at = nodes[at].from[0]?.slice(2, -2)) {
    nodes[at].active = true;
    active.push(`@@${at}@@`);
  }
  for (const b of bookmarked) nodes[b].bookmarked = true;
  const keyed = {};
  for (const id in nodes) keyed[id] = nodes[id];
  return {
    nodes: keyed,
    roots: roots.map((r) => `@@${r}@@`),
    active,
    bookmarked: bookmarked.map((b) => `@@${b}@@`),
    metadata: {
      title,
      description: null,
      created: "2025-06-01T10:00:00-04:00[America/New_York]",
      converted_from: [],
      metadata: {},
    },
  };
}

function tapestrySmall() {
  const rand = rng(41);
  const { nodes, ids, rootId } = tapestryWeave(rand, 6);
  // A node with two parents (a weave is a graph), a metadata-only node, a user-written snippet, and a token split
  // inside "é" (tokens are bytes, not characters).
  const shared = u64(rand);
  nodes[shared] = tapestryNode(
    shared,
    ids[1],
    { Snippet: b64(" and the bell rang.") },
    { User: { label: "kat", color: null, identifier: null, metadata: {} } },
    "2025-06-01T10:05:00-04:00[America/New_York]",
  );
  nodes[shared].from.push(`@@${ids[2]}@@`);
  nodes[ids[1]].to.push(`@@${shared}@@`);
  nodes[ids[2]].to.push(`@@${shared}@@`);
  const empty = u64(rand);
  nodes[empty] = tapestryNode(
    empty,
    rootId,
    "MetadataOnly",
    "Unknown",
    "2025-06-01T10:06:00-04:00[America/New_York]",
    {},
  );
  nodes[empty].contents.metadata = { note: "a placeholder" };
  nodes[rootId].to.push(`@@${empty}@@`);
  const split = u64(rand);
  const e = Buffer.from(" café", "utf8");
  nodes[split] = tapestryNode(
    split,
    rootId,
    { Tokens: [tapestryToken(rand, e.subarray(0, 5), 1), tapestryToken(rand, e.subarray(5), 1)] },
    { Model: null },
    "2025-06-01T10:07:00-04:00[America/New_York]",
  );
  nodes[rootId].to.push(`@@${split}@@`);
  write("tapestry-harbor.json", null, tapestryText(finishWeave(nodes, [rootId], shared, [ids[2]], "Harbor")));
}

function tapestryLarge() {
  const rand = rng(43);
  const { nodes, ids, rootId } = tapestryWeave(rand, 600);
  write(
    "tapestry-large.json",
    null,
    tapestryText(finishWeave(nodes, [rootId], ids[ids.length - 1], [ids[10], ids[20]], ""), 0),
  );
}

// ---------------------------------------------------------------- Exoloom

function exoloomSmall() {
  write("exoloom-export.json", {
    loomType: "Exoloom",
    version: "0.9.2",
    schemaVersion: 1,
    tree: {
      title: "Tidewater",
      description: "an exported tree",
      createdAt: "2025-03-02T08:00:00Z",
      rootNodeId: 1,
      nodes: {
        1: {
          content: "The tide went out",
          authorType: "USER",
          authorName: null,
          parentId: null,
          childrenIds: [2, 3],
          createdAt: "2025-03-02T08:00:00Z",
        },
        2: {
          content: " and took the boats.",
          authorType: "LLM",
          authorName: "claude-3-opus",
          parentId: 1,
          childrenIds: [4],
          createdAt: "2025-03-02T08:01:00Z",
        },
        3: {
          content: " and left the nets.",
          authorType: "LLM",
          authorName: "claude-3-opus",
          parentId: 1,
          childrenIds: [],
          createdAt: "2025-03-02T08:01:00Z",
        },
        4: {
          content: " Nobody went after them.",
          authorType: "USER",
          authorName: "sam",
          parentId: 2,
          childrenIds: [],
          createdAt: null,
        },
      },
    },
    lens: { bookmarks: [{ nodeId: 2 }], prunedNodes: [{ nodeId: 3 }] },
  });
}

/** A large export: `count` nodes under one root, numeric ids as Exoloom gives them, bookmarks and pruned nodes. */
function exoloomLarge(count) {
  const rand = rng(44);
  const nodes = {};
  const start = Date.UTC(2025, 4, 1, 9);
  for (let id = 1; id <= count; id++) {
    // Parents mostly among the latest nodes (a writer goes on from where they are), now and then further back.
    const parentId =
      id === 1 ? null : rand() < 0.8 ? Math.max(1, id - 1 - Math.floor(rand() * 4)) : 1 + Math.floor(rand() * (id - 1));
    const llm = id > 1 && rand() < 0.85;
    nodes[id] = {
      content:
        id === 1
          ? "The lighthouse log for the winter"
          : tokensFor(rand, 3 + Math.floor(rand() * 8))
              .map((t) => t.text)
              .join(""),
      authorType: llm || id === 1 ? (id === 1 ? "USER" : "LLM") : "USER",
      authorName: llm ? (rand() < 0.5 ? "claude-3-opus" : "gpt-4-base") : rand() < 0.3 ? "sam" : null,
      parentId,
      childrenIds: [],
      createdAt: rand() < 0.95 ? new Date(start + id * 37_000).toISOString() : null,
    };
    if (parentId !== null) nodes[parentId].childrenIds.push(id);
  }
  const pick = (n, from) => Array.from({ length: n }, () => ({ nodeId: from + Math.floor(rand() * (count - from)) }));
  write("exoloom-large.json", {
    loomType: "Exoloom",
    version: "0.9.2",
    schemaVersion: 1,
    tree: { title: "Winter log", description: "", createdAt: new Date(start).toISOString(), rootNodeId: 1, nodes },
    lens: { bookmarks: pick(12, 2), prunedNodes: pick(6, 300) },
  });
}

pyloomSmall();
write("pyloom-large.json", pyloomLarge(600));
loomsidianVault();
{
  const rand = rng(22);
  write("loomsidian-large.json", {
    settings: LOOMSIDIAN_SETTINGS,
    state: {
      "Novel/Chapter 1.md": loomsidianNote(rand, 600, "Chapter one opens on the quay."),
      "Novel/Notes.md": loomsidianNote(rand, 12, "Notes."),
    },
  });
}
miniloomSmall();
{
  const rand = rng(33);
  const { store, full } = miniloomTree(rand, 600);
  write("miniloom-large.json", { loomTree: { nodeStore: store }, focus: miniloomFocus(store, full, "600") });
}
tapestrySmall();
tapestryLarge();
exoloomSmall();
exoloomLarge(600);
