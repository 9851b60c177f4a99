// A stranger's install, checked: pack every published package, install the tarballs with npm outside the workspace,
// import each entry point as ESM and CJS, type-check a TypeScript consumer against the published .d.ts, run
// `npx loom demo` on the local engine, and report installed sizes (failing when @loom/generators alone passes 60 MB).
// Usage: node scripts/consumer-test.mjs (after `pnpm run build`). LOOM_MODEL defaults to ../shared/models/stories260K.gguf.
import { execFile } from "node:child_process";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const model = resolve(root, process.env.LOOM_MODEL ?? "../shared/models/stories260K.gguf");
/** The limit from issue 11: `npm i @loom/generators` without the local engine. */
const GENERATORS_LIMIT_BYTES = 60_000_000;
const started = Date.now();
const failures = [];
const say = (line) => console.log(`consumer: ${line}`);
const fail = (line) => {
  failures.push(line);
  console.log(`consumer: FAIL ${line}`);
};

async function sh(cmd, args, cwd, env = {}) {
  try {
    return await run(cmd, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    throw new Error(
      `${cmd} ${args.join(" ")} (in ${cwd}) failed:\n${error.stdout ?? ""}${error.stderr ?? error.message}`,
    );
  }
}

// ---- pack ------------------------------------------------------------------------------------------------------

const workspacePackages = ["packages", "apps"]
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
  .filter((dir) => existsSync(join(dir, "package.json")))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
  .filter((p) => !p.manifest.private);
for (const p of workspacePackages) {
  if (!existsSync(join(p.dir, "dist")))
    throw new Error(`${p.manifest.name} has no dist/: run \`pnpm run build\` first`);
}
if (!existsSync(model)) throw new Error(`no model at ${model}: set LOOM_MODEL to a GGUF file`);

const scratch = mkdtempSync(join(tmpdir(), "loom-consumer-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
const packs = join(scratch, "packs");
mkdirSync(packs);
const tarballs = {};
await Promise.all(
  workspacePackages.map(async (p) => {
    const { stdout } = await sh("pnpm", ["pack", "--pack-destination", packs], p.dir);
    tarballs[p.manifest.name] = stdout.trim().split("\n").pop();
  }),
);
say(`packed ${Object.keys(tarballs).length} packages (${Object.keys(tarballs).sort().join(", ")})`);

// ---- install ---------------------------------------------------------------------------------------------------

const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
/** A scratch project whose dependencies are the given tarballs (and registry packages); overrides keep every @loom/* on its tarball. */
function project(name, loomNames, extra = {}) {
  const dir = join(scratch, name);
  mkdirSync(dir);
  const deps = Object.fromEntries(loomNames.map((n) => [n, `file:${tarballs[n]}`]));
  const overrides = Object.fromEntries(Object.keys(tarballs).map((n) => [n, `file:${tarballs[n]}`]));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify(
      { name: `loom-consumer-${name}`, private: true, dependencies: { ...deps, ...extra }, overrides },
      null,
      2,
    ),
  );
  return dir;
}
const npmInstall = (dir, args = []) =>
  sh("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", ...args], dir);

// Everything, as a user of the CLI and of the packages gets it. GPU builds of node-llama-cpp (its optional
// dependencies, ~750 MB) are left out to keep the run short; the CPU build for this platform is named instead.
const llamaVersion = JSON.parse(readFileSync(join(root, "apps/cli/package.json"), "utf8")).dependencies[
  "node-llama-cpp"
];
const full = project("full", Object.keys(tarballs), {
  [`@node-llama-cpp/${process.platform}-${process.arch}`]: llamaVersion,
  typescript: rootManifest.devDependencies.typescript,
  "@types/node": rootManifest.devDependencies["@types/node"],
});
// `npm i @loom/generators` as a stranger types it: no local engine (an optional peer dependency).
const generatorsOnly = project("generators-only", ["@loom/generators"]);
await Promise.all([npmInstall(full, ["--omit=optional"]), npmInstall(generatorsOnly)]);
say(`installed both projects (${((Date.now() - started) / 1000).toFixed(0)} s so far)`);

// ---- import every entry point as ESM and as CommonJS -------------------------------------------------------------

async function importEveryEntryPoint() {
  for (const p of workspacePackages) {
    const subpaths = Object.keys(p.manifest.exports ?? {}).filter((s) => s !== "./package.json");
    for (const subpath of subpaths) {
      const specifier = p.manifest.name + subpath.slice(1);
      const conditions = p.manifest.exports[subpath];
      for (const kind of ["esm", "cjs"]) {
        if (
          kind === "cjs" &&
          typeof conditions === "object" &&
          !("require" in conditions) &&
          !("default" in conditions)
        ) {
          fail(`${specifier} has no CommonJS entry (exports["${subpath}"].require)`);
          continue;
        }
        // A JSON entry point (the export's JSON Schema) is a document: ESM imports it with the json attribute.
        const json = subpath.endsWith(".json");
        const code =
          kind === "esm"
            ? json
              ? `const m = (await import(${JSON.stringify(specifier)}, { with: { type: "json" } })).default; console.log(Object.keys(m).length);`
              : `const m = await import(${JSON.stringify(specifier)}); console.log(Object.keys(m).length);`
            : `const m = require(${JSON.stringify(specifier)}); console.log(Object.keys(m).length);`;
        try {
          const { stdout } = await sh(
            "node",
            kind === "esm" ? ["--input-type=module", "-e", code] : ["-e", code],
            full,
          );
          const names = Number(stdout.trim());
          if (!(names > 0)) fail(`${specifier} as ${kind} exports nothing`);
          else say(`${specifier} as ${kind}: ${names} exports`);
        } catch (error) {
          fail(`${specifier} as ${kind}: ${error.message.split("\n").slice(0, 6).join("\n")}`);
        }
      }
    }
  }
}

// ---- the published .d.ts, from a TypeScript consumer ------------------------------------------------------------

/** tsc over a consumer; errors in our packages' .d.ts or in the consumer fail, a third party's own are reported. */
async function typecheck(dir, files) {
  // consumer.cts is consumer.mts compiled as CommonJS, so the published .d.cts files are checked too.
  for (const f of files) cpSync(join(root, "scripts/consumer", f.replace(/\.cts$/, ".mts")), join(dir, f));
  const tsconfig = JSON.parse(readFileSync(join(root, "scripts/consumer/tsconfig.json"), "utf8"));
  // Node's types come from the full project (a consumer of the generators alone would install @types/node too).
  const compilerOptions = { ...tsconfig.compilerOptions, typeRoots: [join(full, "node_modules/@types")] };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ ...tsconfig, compilerOptions, files }, null, 2));
  const tsc = join(full, "node_modules/typescript/bin/tsc");
  const out = await run("node", [tsc, "-p", dir], { cwd: dir }).then(
    (r) => r.stdout,
    (e) => e.stdout ?? e.message,
  );
  const errors = out.split("\n").filter((l) => /error TS\d+/.test(l));
  const ours = errors.filter((l) => !l.startsWith("node_modules/") || l.startsWith("node_modules/@loom/"));
  const theirs = errors.length - ours.length;
  if (ours.length) fail(`type-check of ${files.join(", ")} in ${dir.slice(scratch.length + 1)}:\n${ours.join("\n")}`);
  else
    say(
      `type-checked ${files.join(", ")} against the published .d.ts${theirs ? ` (${theirs} errors inside third-party .d.ts, not ours)` : ""}`,
    );
}

// ---- the CLI on the local engine, and the generators without it --------------------------------------------------

async function demo() {
  try {
    const { stdout } = await sh(
      "npx",
      ["--no-install", "loom", "demo", "--steps", "3", "--json", "--dir", join(scratch, "demo-session")],
      full,
      { LOOM_MODEL: model, NO_COLOR: "1" },
    );
    const result = JSON.parse(stdout);
    if (result.steps !== 3 || typeof result.text !== "string" || result.text.length < 40)
      fail(`loom demo printed ${stdout.slice(0, 300)}`);
    else say(`npx loom demo: 3 steps on the local engine, text ends ${JSON.stringify(result.text.slice(-40))}`);
  } catch (error) {
    fail(`npx loom demo: ${error.message}`);
  }
}

const missingEngine = `
import { createGenerator, GeneratorError } from "@loom/generators";
const generator = createGenerator({ provider: "local", modelPath: ${JSON.stringify(model)} });
try {
  await generator.generate({ prompt: "Once", n: 1, maxTokens: 2, temperature: 1, topP: 1 });
  console.log("generated without node-llama-cpp?");
} catch (error) {
  console.log(GeneratorError.isInstance(error) ? error.message : "not a GeneratorError: " + error);
}`;
async function withoutEngine() {
  const { stdout: missing } = await sh("node", ["--input-type=module", "-e", missingEngine], generatorsOnly);
  if (!missing.includes("npm install node-llama-cpp@"))
    fail(`the local engine without node-llama-cpp said: ${missing.trim()}`);
  else say(`without node-llama-cpp the local engine says: ${missing.trim()}`);
}

// Independent checks, run side by side (each line they print says what it is about).
await Promise.all([
  importEveryEntryPoint(),
  typecheck(full, ["consumer.mts", "consumer.cts"]),
  typecheck(generatorsOnly, ["generators-only.mts"]),
  demo(),
  withoutEngine(),
]);

// ---- installed sizes -------------------------------------------------------------------------------------------

/** Bytes of the files under `dir` (apparent size, as npm's unpackedSize; and disk blocks), nested node_modules left out. */
function dirSize(dir, sizes = { bytes: 0, disk: 0 }) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const stat = lstatSync(path);
    if (stat.isDirectory()) {
      if (entry !== "node_modules") dirSize(path, sizes);
    } else {
      sizes.bytes += stat.size;
      sizes.disk += stat.blocks * 512;
    }
  }
  return sizes;
}

/** A package's directory as Node would find it from `from` (walking up node_modules folders). */
function locate(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** The installed size of a package with everything it pulls in (dependencies, and peers that are installed). */
function closureSize(name, projectDir) {
  const seen = new Set();
  const stack = [locate(name, projectDir)];
  while (stack.length) {
    const dir = stack.pop();
    if (!dir || seen.has(dir)) continue;
    seen.add(dir);
    const m = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    for (const dep of Object.keys({ ...m.dependencies, ...m.optionalDependencies, ...m.peerDependencies }))
      stack.push(locate(dep, dir));
  }
  const total = { bytes: 0, disk: 0, packages: seen.size };
  for (const dir of seen) {
    const s = dirSize(dir);
    total.bytes += s.bytes;
    total.disk += s.disk;
  }
  return total;
}

const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
// The measure is the apparent size: the sum of the files' lengths, as npm's `unpackedSize` counts it and as a user
// reads it in `du --apparent-size`. Disk blocks (rounded up per file, so larger for many small files) are shown beside.
say(
  "installed size per entry point, apparent size of its files with what it pulls in (peers counted when installed; GPU builds of node-llama-cpp left out):",
);
for (const name of Object.keys(tarballs).sort()) {
  const s = closureSize(name, full);
  say(
    `  ${name.padEnd(20)} ${mb(s.bytes).padStart(9)} of files (${mb(s.disk)} of disk blocks, ${s.packages} packages)`,
  );
}
const alone = closureSize("@loom/generators", generatorsOnly);
const verdict = alone.bytes <= GENERATORS_LIMIT_BYTES ? "within" : "OVER";
say(
  `npm i @loom/generators (no local engine): ${mb(alone.bytes)} of files (apparent size; ${mb(alone.disk)} of disk blocks, ${alone.packages} packages), ${verdict} the limit of ${mb(GENERATORS_LIMIT_BYTES)} of files`,
);
if (existsSync(join(generatorsOnly, "node_modules/node-llama-cpp")))
  fail("npm i @loom/generators installed node-llama-cpp (it should be an optional peer)");
if (alone.bytes > GENERATORS_LIMIT_BYTES)
  fail(
    `@loom/generators without the local engine installs ${mb(alone.bytes)} of files (apparent size), over ${mb(GENERATORS_LIMIT_BYTES)}`,
  );

say(
  `${failures.length ? `${failures.length} failure(s)` : "all checks passed"} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
const cleanup = Date.now();
rmSync(scratch, { recursive: true, force: true });
say(`scratch removed in ${((Date.now() - cleanup) / 1000).toFixed(0)} s`);
process.exit(failures.length ? 1 : 0);
