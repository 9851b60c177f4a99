// Serves the page: the HTML shell and the bundled script and stylesheet built into dist/web by scripts/build-web.mjs.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; style-src 'self'; connect-src 'self'; frame-ancestors 'none'",
};

/** dist/web beside the built module, or apps/server/dist/web when running from sources. */
export function defaultWebDir(): string {
  const here = fileURLToPath(new URL(".", import.meta.url));
  const candidates = [join(here, "web"), join(here, "..", "dist", "web")];
  return candidates.find((d) => existsSync(join(d, "app.js"))) ?? candidates[0]!;
}

const SHELL = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Loom</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<div id="app"><noscript>Loom's page needs JavaScript.</noscript></div>
<script src="/assets/app.js"></script>
</body>
</html>
`;

export class WebAssets {
  private readonly cache = new Map<string, Buffer>();
  constructor(private readonly dir: string) {}

  /** Serve `pathname` if it is the page or one of its assets; false when it is neither. */
  async serve(pathname: string, res: ServerResponse): Promise<boolean> {
    if (
      pathname === "/" ||
      pathname === "/index.html" ||
      pathname === "/docs/api" ||
      pathname === "/analysis" ||
      pathname.startsWith("/s/")
    ) {
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-cache",
        ...SECURITY_HEADERS,
      });
      res.end(SHELL);
      return true;
    }
    const m = /^\/assets\/((?:app\.(?:js|css)|tree-worker\.js)(?:\.map)?)$/.exec(pathname);
    if (!m) return false;
    const name = m[1]!;
    let body = this.cache.get(name);
    if (!body) {
      try {
        body = await readFile(join(this.dir, name));
      } catch {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
        res.end(`${name} is not built: run \`pnpm --filter @loom/server build\` (looked in ${this.dir})\n`);
        return true;
      }
      this.cache.set(name, body);
    }
    const ext = name.slice(name.lastIndexOf("."));
    res.writeHead(200, {
      "content-type": TYPES[ext] ?? "application/octet-stream",
      "cache-control": "no-cache",
      ...SECURITY_HEADERS,
    });
    res.end(body);
    return true;
  }
}
