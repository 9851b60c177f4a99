// Draws a Vega-Lite spec headless to SVG: compiled by Vega-Lite, drawn by a Vega view with no renderer (no DOM, no canvas).

/**
 * The spec as an SVG document. Vega and Vega-Lite are optional peer dependencies loaded only here, so reading
 * and aggregating sessions never pays for them; a missing one rejects with Node's ERR_MODULE_NOT_FOUND.
 */
export async function chartSvg(spec: Record<string, unknown>): Promise<string> {
  const vl = await import("vega-lite");
  const vega = await import("vega");
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
