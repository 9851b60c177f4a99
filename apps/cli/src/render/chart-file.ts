// Writes a Vega-Lite spec's chart to a file: SVG drawn headless by @loom/analysis, and PNG through resvg when it is installed.
import { writeFile } from "node:fs/promises";
import { extname } from "node:path";
import { FailureError, UsageError } from "../cli/exit-error.js";

/** A package the charts need is an optional dependency: say how to get it rather than fail with a stack. */
async function optional<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") {
      // Node names the package it could not find ("Cannot find package 'vega' imported from …").
      const missing = /Cannot find package '([^']+)'/.exec((error as Error).message)?.[1] ?? name;
      throw new FailureError(
        `--plot needs the optional package ${missing}, which is not installed`,
        `install it beside loom: npm install ${missing}`,
      );
    }
    throw error;
  }
}

/** The spec as SVG (drawn by @loom/analysis with Vega, headless), naming the package to install when one is missing. */
async function chartSvgOf(spec: Record<string, unknown>): Promise<string> {
  const { chartSvg } = await import("@loom/analysis");
  return optional("vega-lite", () => chartSvg(spec));
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
  const svg = await chartSvgOf(spec);
  if (format === "svg") {
    await writeFile(file, svg);
    return { format, bytes: Buffer.byteLength(svg) };
  }
  const { Resvg } = await optional("@resvg/resvg-js", () => import("@resvg/resvg-js"));
  const png = new Resvg(svg, { background: "white", fitTo: { mode: "zoom", value: 2 } }).render().asPng();
  await writeFile(file, png);
  return { format, bytes: png.length };
}
