// Draws a Vega-Lite spec headless with Vega (no browser, no canvas) to SVG, and to PNG through resvg when it is installed.
import { writeFile } from "node:fs/promises";
import { extname } from "node:path";
import { FailureError, UsageError } from "../cli/exit-error.js";

/** A package the charts need is an optional dependency: say how to get it rather than fail with a stack. */
async function optional<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND")
      throw new FailureError(
        `--plot needs the optional package ${name}, which is not installed`,
        `install it beside loom: npm install ${name}`,
      );
    throw error;
  }
}

/** The spec as SVG: compiled by Vega-Lite, drawn by a Vega view with no renderer (no DOM needed). */
export async function chartSvg(spec: Record<string, unknown>): Promise<string> {
  const vl = await optional("vega-lite", () => import("vega-lite"));
  const vega = await optional("vega", () => import("vega"));
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The chart format a --plot file names by its extension; UsageError for any other. */
export function chartFormatOf(file: string): "svg" | "png" {
  const ext = extname(file).toLowerCase();
  if (ext === ".svg") return "svg";
  if (ext === ".png") return "png";
  throw new UsageError(`--plot ${file}: the file must end in .svg or .png`, "e.g. --plot gaps.svg");
}

/** Writes the chart to `file`: SVG for .svg, PNG (white background, twice the size) for .png. */
export async function writeChart(
  file: string,
  spec: Record<string, unknown>,
): Promise<{ format: string; bytes: number }> {
  const format = chartFormatOf(file);
  const svg = await chartSvg(spec);
  if (format === "svg") {
    await writeFile(file, svg);
    return { format, bytes: Buffer.byteLength(svg) };
  }
  const { Resvg } = await optional("@resvg/resvg-js", () => import("@resvg/resvg-js"));
  const png = new Resvg(svg, { background: "white", fitTo: { mode: "zoom", value: 2 } }).render().asPng();
  await writeFile(file, png);
  return { format, bytes: png.length };
}
