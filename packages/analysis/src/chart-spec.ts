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
        mark: { type: "bar" },
        encoding: {
          x: ordered("range", "bin", "gap (nats)"),
          xOffset: { field: "group", type: "nominal" },
          y: { field: "share", type: "quantitative", title: "share of choices", axis: { format: "%" } },
          color,
          tooltip: [
            { field: "group", type: "nominal" },
            { field: "range", type: "ordinal" },
            { field: "count", type: "quantitative" },
            { field: "share", type: "quantitative", format: ".4f" },
          ],
        },
      },
      {
        title: "Mean logprob gap along the piece",
        width: WIDTH,
        height: HEIGHT,
        data: { values: data.gapAlongPiece },
        mark: { type: "line", point: true },
        encoding: {
          x: ordered("position", "bucket", "position in the piece"),
          y: { field: "meanGap", type: "quantitative", title: "mean gap (nats)" },
          color,
          tooltip: [
            { field: "group", type: "nominal" },
            { field: "position", type: "ordinal" },
            { field: "meanGap", type: "quantitative", format: ".4f" },
            { field: "choices", type: "quantitative" },
          ],
        },
      },
      {
        title: "Acceptance of the base model's favourite by position",
        width: WIDTH,
        height: HEIGHT,
        data: { values: data.acceptanceByPosition },
        mark: { type: "line", point: true },
        encoding: {
          x: ordered("position", "bucket", "position in the piece"),
          y: {
            field: "acceptance",
            type: "quantitative",
            title: "acceptance",
            scale: { domain: [0, 1] },
            axis: { format: "%" },
          },
          color,
          tooltip: [
            { field: "group", type: "nominal" },
            { field: "position", type: "ordinal" },
            { field: "acceptance", type: "quantitative", format: ".4f" },
            { field: "choices", type: "quantitative" },
          ],
        },
      },
    ],
  };
}
