// Damaged files of each tool are refused with the file and the field named (the CLI test shows nothing is written).
import { describe, expect, it } from "vitest";
import { quoteBigIntegers } from "./big-int-json.js";
import { importText, IoError } from "./index.js";
import { fixtureJson, fixtureText } from "./test-support/foreign-fixtures.js";

// biome-ignore lint/suspicious/noExplicitAny: the damage is done to untyped JSON
type Doc = any;

interface Damage {
  what: string;
  damage: (doc: Doc) => void;
  field: string | RegExp;
}

function refusal(text: string, file: string): IoError {
  try {
    importText(text, file);
  } catch (error) {
    if (IoError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("the damaged file was imported");
}

function suite(fixture: string, damages: Damage[], read: (name: string) => Doc = fixtureJson): void {
  describe(fixture, () => {
    expect(damages.length).toBeGreaterThanOrEqual(5);
    for (const d of damages) {
      it(`refuses ${d.what}`, () => {
        const doc = read(fixture);
        d.damage(doc);
        const file = `/damaged/${fixture}`;
        const error = refusal(JSON.stringify(doc), file);
        expect(error.file).toBe(file);
        if (typeof d.field === "string") expect(error.field).toBe(d.field);
        else expect(error.field).toMatch(d.field);
        expect(error.message).toContain(file);
      });
    }
    it("refuses a file cut short", () => {
      const text = fixtureText(fixture);
      const error = refusal(text.slice(0, Math.floor(text.length / 2)), `/damaged/${fixture}`);
      expect(error.code).toBe("malformed_json");
      expect(error.field).toBe("(whole file)");
    });
  });
}

const KEEPER = "root.children[0].children[0]";
suite("pyloom-lighthouse.json", [
  { what: "a root that is not a node", damage: (d) => (d.root = "root"), field: "root" },
  { what: "a node without text", damage: (d) => delete d.root.children[0].children[0].text, field: `${KEEPER}.text` },
  {
    what: "children that are not a list",
    damage: (d) => (d.root.children[0].children[0].children = {}),
    field: `${KEEPER}.children`,
  },
  {
    what: "a selected node that is not in the tree",
    damage: (d) => (d.selected_node_id = "gone"),
    field: "selected_node_id",
  },
  {
    what: "a generation without a response id",
    damage: (d) => (d.root.children[0].children[0].children[0].generation.id = 3),
    field: `${KEEPER}.children[0].generation.id`,
  },
  {
    what: "a stored token without its generatedToken",
    damage: (d) => delete d.model_responses["cmpl-6xKq3mNpRfT1"].completions[0].tokens[0].generatedToken,
    field: 'model_responses["cmpl-6xKq3mNpRfT1"].completions[0].tokens[0].generatedToken',
  },
  {
    what: "two nodes with one id",
    damage: (d) => (d.root.children[0].children[0].children[1].id = d.root.children[0].children[0].children[0].id),
    field: `${KEEPER}.children[1]`,
  },
]);

const NOTE = 'state["Stories/Lighthouse.md"]';
const firstId = (d: Doc) => Object.keys(d.state["Stories/Lighthouse.md"].nodes)[1]!;
suite("loomsidian-vault.json", [
  { what: "a state that is not an object", damage: (d) => (d.state = []), field: "state" },
  {
    what: "a parent that is not in the note",
    damage: (d) => (d.state["Stories/Lighthouse.md"].nodes[firstId(d)].parentId = "gone"),
    field: /^state\["Stories\/Lighthouse\.md"\]\.nodes\[".*"\]\.parentId$/,
  },
  {
    what: "a current node that is not in the note",
    damage: (d) => (d.state["Stories/Lighthouse.md"].current = "gone"),
    field: `${NOTE}.current`,
  },
  {
    what: "a text that is not a string",
    damage: (d) => (d.state["Stories/Lighthouse.md"].nodes[firstId(d)].text = 42),
    field: /\.nodes\[".*"\]\.text$/,
  },
  {
    what: "a parent cycle",
    damage: (d) => {
      const nodes = d.state["Stories/Lighthouse.md"].nodes;
      const [, b, c] = Object.keys(nodes);
      nodes[b!].parentId = c;
      nodes[c!].parentId = b;
    },
    field: /\.parentId$/,
  },
  {
    what: "a bookmark flag that is not true or false",
    damage: (d) => (d.state["Stories/Lighthouse.md"].nodes[firstId(d)].bookmarked = "yes"),
    field: /\.bookmarked$/,
  },
]);

const STORE = "loomTree.nodeStore";
suite("miniloom-harbor.json", [
  { what: "a tree without its root", damage: (d) => delete d.loomTree.nodeStore["1"], field: `${STORE}["1"]` },
  {
    what: "a patch with an unknown operation",
    damage: (d) => (d.loomTree.nodeStore["2"].patch[0].diffs[0][0] = 2),
    field: `${STORE}["2"].patch[0].diffs[0][0]`,
  },
  {
    what: "a patch that does not fit its parent's text",
    damage: (d) => {
      const diff = d.loomTree.nodeStore["3"].patch[0].diffs.find((x: Doc) => x[0] === 0);
      diff[1] = "text that is not in the parent";
    },
    field: `${STORE}["3"].patch[0]`,
  },
  {
    what: "a child that is not in the store",
    damage: (d) => d.loomTree.nodeStore["1"].children.push("99"),
    field: `${STORE}["1"].children[1]`,
  },
  {
    what: "a parent other than the node listing it",
    damage: (d) => (d.loomTree.nodeStore["3"].parent = "1"),
    field: `${STORE}["3"].parent`,
  },
  { what: "a focus on a node that is not there", damage: (d) => (d.focus.id = "99"), field: "focus.id" },
  {
    what: "a rating that is not a thumb",
    damage: (d) => (d.loomTree.nodeStore["3"].rating = "up"),
    field: `${STORE}["3"].rating`,
  },
]);

const weave = (name: string): Doc => JSON.parse(quoteBigIntegers(fixtureText(name)));
const nodeKey = (d: Doc, i: number) => Object.keys(d.nodes)[i]!;
suite(
  "tapestry-harbor.json",
  [
    { what: "a root that is not in the weave", damage: (d) => (d.roots = ["12345"]), field: "roots[0]" },
    {
      what: "a snippet that is not base64",
      damage: (d) => (d.nodes[nodeKey(d, 0)].contents.content = { Snippet: "not base64!" }),
      field: /\.contents\.content\.Snippet$/,
    },
    {
      what: "a child that is not in the weave",
      damage: (d) => d.nodes[nodeKey(d, 0)].to.push("777"),
      field: /\.to\[\d+\]$/,
    },
    {
      what: "a creator of no known kind",
      damage: (d) => (d.nodes[nodeKey(d, 1)].contents.creator = { Robot: null }),
      field: /\.contents\.creator$/,
    },
    {
      what: "a token logprob that is not a number",
      damage: (d) => (d.nodes[nodeKey(d, 1)].contents.content.Tokens[0].logprob = "high"),
      field: /\.contents\.content\.Tokens\[0\]\.logprob$/,
    },
    {
      what: "a child whose parents do not list its parent",
      damage: (d) => (d.nodes[nodeKey(d, 1)].from = []),
      field: /\.from$/,
    },
  ],
  weave,
);

suite("exoloom-export.json", [
  { what: "an unknown schema version", damage: (d) => (d.schemaVersion = 2), field: "schemaVersion" },
  { what: "a root that is not in the tree", damage: (d) => (d.tree.rootNodeId = 9), field: "tree.rootNodeId" },
  {
    what: "an author of no known type",
    damage: (d) => (d.tree.nodes["2"].authorType = "BOT"),
    field: 'tree.nodes["2"].authorType',
  },
  {
    what: "a child that is not in the tree",
    damage: (d) => d.tree.nodes["1"].childrenIds.push(9),
    field: 'tree.nodes["1"].childrenIds[2]',
  },
  {
    what: "content that is not text",
    damage: (d) => (d.tree.nodes["3"].content = null),
    field: 'tree.nodes["3"].content',
  },
]);
