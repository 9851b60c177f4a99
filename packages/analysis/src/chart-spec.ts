// Vega-Lite specifications of a report's charts (gap distribution per group, gap along the piece, acceptance by position), data inline.
import type { AnalysisReport } from "./aggregate.js";
import type { GroupStats } from "./group-stats.js";

/** One row of a chart's data: the numbers the table and --json give, named for the chart. */
export interface ChartDatum {
  group: string;
  [field: string]: string | number | null;
}

export interface ChartData {
  /** Share of a group's choices in each gap bin (bins in GAP_BIN_EDGES order). */
  gapDistribution: ChartDatum[];
  /** Mean gap of the choices in each part of the piece. */
  gapAlongPiece: ChartDatum[];
  /** Acceptance (share of choices of the favourite) in each part of the piece. */
  acceptanceByPosition: ChartDatum[];
}

/** The groups the charts draw: the report's groups, or everything as one ("all") when nothing is grouped. */
const drawn = (report: AnalysisReport): GroupStats[] => (report.groupBy.length ? report.groups : [report.overall]);

export function chartData(report: AnalysisReport): ChartData {
  const groups = drawn(report);
  return {
    gapDistribution: groups.flatMap((g) =>
      g.gapHistogram.map((b, bin) => ({
        group: g.label,
        bin,
        range: b.label,
        count: b.count,
        share: g.withGap ? b.count / g.withGap : 0,
      })),
    ),
    gapAlongPiece: groups.flatMap((g) =>
      g.alongPiece
        .filter((p) => p.meanGap !== null)
        .map((p) => ({ group: g.label, bucket: p.bucket, position: p.label, meanGap: p.meanGap, choices: p.withGap })),
    ),
    acceptanceByPosition: groups.flatMap((g) =>
      g.alongPiece
        .filter((p) => p.acceptance !== null)
        .map((p) => ({
          group: g.label,
          bucket: p.bucket,
          position: p.label,
          acceptance: p.acceptance,
          choices: p.withGap,
        })),
    ),
  };
}

/**
 * A mark's description (its SVG aria-label): "field: value" for each field, numbers in full, so the drawn chart can
 * be read back and checked against the report.
 */
function described(fields: string[]) {
  const expr = fields.map((f, i) => `${i ? "'; " : "'"}${f}: ' + datum.${f}`).join(" + ");
  return {
    transform: [{ calculate: expr, as: "description" }],
    description: { field: "description", type: "nominal" },
  };
}

const WIDTH = 420;
const HEIGHT = 180;

/**
 * One Vega-Lite spec stacking the three charts. Positions and bins keep their order by a sort on their index,
 * and each mark's tooltip names its numbers, which the SVG renderer writes into the mark's aria-label.
 */
export function chartSpec(report: AnalysisReport): Record<string, unknown> {
  const data = chartData(report);
  const groupTitle = report.groupBy.length ? report.groupBy.join(" · ") : "sessions";
  const color = { field: "group", type: "nominal", title: groupTitle };
  const ordered = (field: string, by: string, title: string) => ({
    field,
    type: "ordinal",
    title,
    sort: { field: by, order: "ascending" },
    axis: { labelAngle: 0 },
  });
  const bars = described(["group", "range", "count", "share"]);
  const gaps = described(["group", "position", "meanGap", "choices"]);
  const accepted = described(["group", "position", "acceptance", "choices"]);
  /** A line through the points; only the points are described, one per datum (the line would repeat the first). */
  const line = (encoding: Record<string, unknown>) => [
    { mark: { type: "line", aria: false }, encoding },
    { mark: { type: "point", filled: true }, encoding },
  ];
  const position = ordered("position", "bucket", "position in the piece");
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: `Loom analysis of ${report.overall.sessions} sessions, grouped by ${groupTitle}`,
    config: { font: "sans-serif", view: { stroke: null } },
    vconcat: [
      {
        title: "Logprob gap of choices (share of each group's choices)",
        width: WIDTH,
        height: HEIGHT,
        data: { values: data.gapDistribution },
        transform: bars.transform,
        mark: { type: "bar" },
        encoding: {
          x: ordered("range", "bin", "gap (nats)"),
          xOffset: { field: "group", type: "nominal" },
          y: { field: "share", type: "quantitative", title: "share of choices", axis: { format: "%" } },
          color,
          description: bars.description,
          tooltip: { field: "description", type: "nominal" },
        },
      },
      {
        title: "Mean logprob gap along the piece",
        width: WIDTH,
        height: HEIGHT,
        data: { values: data.gapAlongPiece },
        transform: gaps.transform,
        layer: line({
          x: position,
          y: { field: "meanGap", type: "quantitative", title: "mean gap (nats)" },
          color,
          description: gaps.description,
          tooltip: { field: "description", type: "nominal" },
        }),
      },
      {
        title: "Acceptance of the base model's favourite by position",
        width: WIDTH,
        height: HEIGHT,
        data: { values: data.acceptanceByPosition },
        transform: accepted.transform,
        layer: line({
          x: position,
          y: {
            field: "acceptance",
            type: "quantitative",
            title: "acceptance",
            scale: { domain: [0, 1] },
            axis: { format: "%" },
          },
          color,
          description: accepted.description,
          tooltip: { field: "description", type: "nominal" },
        }),
      },
    ],
  };
}
