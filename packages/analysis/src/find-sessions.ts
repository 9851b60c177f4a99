// Turns what the user named (session directories, directory trees, glob patterns) into the session directories under them.
import { readdir, stat } from "node:fs/promises";
import { isAbsolute, join, resolve, sep } from "node:path";
import { AnalysisError } from "./analysis-error.js";

/** The file that makes a directory a session (the snapshot). */
const SESSION_MARK = "loom.json";
const SKIP_DIRS = new Set(["node_modules", ".git", "state"]);

const isGlob = (p: string) => /[*?[]/.test(p);

/** A glob as a regular expression over "/"-separated paths: `**` any depth, `*` and `?` within one name, `[…]` a class. */
export function globRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      re += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end < 0) re += "\\[";
      else {
        const body = glob
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

async function isDir(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

const isSession = (dir: string) =>
  stat(join(dir, SESSION_MARK)).then(
    (s) => s.isFile(),
    () => false,
  );

/** Session directories at or under `dir` (a session's own subdirectories are not searched). */
async function sessionsUnder(dir: string, out: string[]): Promise<void> {
  if (await isSession(dir)) {
    out.push(dir);
    return;
  }
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1)))
    if (e.isDirectory() && !SKIP_DIRS.has(e.name)) await sessionsUnder(join(dir, e.name), out);
}

/** Every path under `base` (directories included) matching the glob. */
async function globMatches(pattern: string, cwd: string): Promise<string[]> {
  const absolute = (isAbsolute(pattern) ? pattern : join(cwd, pattern)).split(sep).join("/");
  const parts = absolute.split("/");
  const first = parts.findIndex(isGlob);
  const base = parts.slice(0, first).join("/") || "/";
  const re = globRegExp(absolute);
  const out: string[] = [];
  const walk = async (dir: string) => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (SKIP_DIRS.has(e.name)) continue;
      const p = `${dir === "/" ? "" : dir}/${e.name}`;
      if (re.test(p)) out.push(p);
      if (e.isDirectory()) await walk(p);
    }
  };
  await walk(base);
  return out.sort();
}

/**
 * The session directories named by `inputs`: a session directory itself, a directory searched for the
 * sessions under it, or a glob (quoted, so the shell leaves it) whose matches are either (a matching
 * `loom.json` names its session). Each session once, in the order given; AnalysisError for a path that
 * does not exist or a pattern that matches nothing.
 */
export async function findSessionDirs(inputs: readonly string[], cwd = process.cwd()): Promise<string[]> {
  const found: string[] = [];
  for (const input of inputs) {
    if (isGlob(input) && !(await isDir(resolve(cwd, input)))) {
      const matches = await globMatches(input, cwd);
      const before = found.length;
      for (const m of matches) {
        if (m.endsWith(`/${SESSION_MARK}`)) found.push(m.slice(0, -SESSION_MARK.length - 1));
        else if (await isDir(m)) await sessionsUnder(m, found);
      }
      if (found.length === before)
        throw new AnalysisError("no_sessions", `no session matches the pattern "${input}"`, {
          hint: "quote a glob so the shell leaves it to loom, e.g. 'sessions/*/'",
        });
      continue;
    }
    const dir = resolve(cwd, input);
    if (!(await isDir(dir)))
      throw new AnalysisError("no_such_path", `${input}: no such directory`, {
        hint: "name session directories, directories holding sessions, or glob patterns",
      });
    const before = found.length;
    await sessionsUnder(dir, found);
    if (found.length === before)
      throw new AnalysisError("no_sessions", `${input}: no session in this directory or under it (no ${SESSION_MARK})`);
  }
  return [...new Set(found)];
}
