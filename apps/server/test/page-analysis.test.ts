// The analysis view in Chromium over sessions played through the API: the table's numbers are @loom/analysis's for the same sessions (and the picks' own counts), every chart's marks are drawn one per datum, divergences are marked on the text, and a hostile query is refused naming its parameter.
import { expect, test } from "vitest";
import type { Page } from "playwright-core";
import { analyzeSessions, chartData, reportRows, type ReportRows } from "@loom/analysis";
import { ScriptedGenerator } from "@loom/generators/test";
import { noBrowser, playSession, settles, useBrowserRig } from "./browser.js";

/** Three candidates a step with fixed logprobs: choosing the second is a gap of −0.7, the third −2.5 (a divergence at −1). */
const LOGPROBS = [-0.5, -1.2, -3];
const GAPS = LOGPROBS.map((l) => l - LOGPROBS[0]!);

const t = useBrowserRig(() => ({
  backendOptions: {
    generatorFor: () => {
      let step = 0;
      return new ScriptedGenerator({
        script: () => {
          step++;
          return ["ember", "frost", "moss"].map((w, i) => ({ text: ` ${w}${step}`, logprobs: [LOGPROBS[i]!] }));
        },
      });
    },
  },
}));

/** Each session's picks (candidate index per step). */
const PICKS: Record<string, number[]> = { alpha: [0, 2, 1, 2, 0], beta: [1, 0, 0, 2], gamma: [2, 2, 0] };

/** CSP refusals and uncaught errors of the pages opened (a refused style or script in the charts' markup shows here). */
const consoleErrors: string[] = [];

async function openAnalysis(query = ""): Promise<Page> {
  const page = await t.rig.browser.newPage();
  page.on("console", (m) => {
    if (/Content Security Policy|Refused/.test(m.text())) consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(e.message));
  await page.goto(`${t.rig.server.url}/analysis${query}`);
  await page.waitForSelector(
    '[data-testid="analysis"][data-state="ready"], [data-testid="analysis"][data-state="error"]',
  );
  return page;
}

/** The table as the page shows it: its header and each row's cell texts. */
async function shownTable(page: Page): Promise<{ columns: string[]; rows: string[][] }> {
  return page.evaluate(() => {
    const t = document.querySelector('[data-testid="analysis-table"]')!;
    return {
      columns: Array.from(t.querySelectorAll("thead th")).map((th) => th.textContent ?? ""),
      rows: Array.from(t.querySelectorAll("tbody tr")).map((tr) =>
        Array.from(tr.querySelectorAll("td")).map((td) => td.textContent ?? ""),
      ),
    };
  });
}

function expectCell(shown: string, want: string | number | null, where: string): void {
  if (want === null) expect(shown, where).toBe("n/a");
  else if (typeof want === "string") expect(shown, where).toBe(want);
  else expect(Number(shown), where).toBeCloseTo(want, 3);
}

/** Every cell shown is the report's: same columns and rows, numbers to the three decimals the page shows. */
function expectTable(shown: { columns: string[]; rows: string[][] }, want: ReportRows): void {
  expect(shown.columns).toEqual(want.columns);
  expect(shown.rows.length).toBe(want.rows.length);
  for (const [r, row] of want.rows.entries())
    for (const [c, cell] of row.entries()) expectCell(shown.rows[r]![c]!, cell, `row ${r} ${want.columns[c]}`);
}

/** The described marks of each chart in the drawn SVG (their aria-labels name the datum's fields). */
async function chartMarks(page: Page): Promise<{ bars: string[]; gaps: string[]; acceptance: string[] }> {
  return page.evaluate(() => {
    const svg = document.querySelector('[data-testid="analysis-charts"] svg');
    const labels = svg
      ? Array.from(svg.querySelectorAll("[aria-label]")).map((e) => e.getAttribute("aria-label")!)
      : [];
    return {
      bars: labels.filter((l) => l.startsWith("group: ") && l.includes("; range: ")),
      gaps: labels.filter((l) => l.startsWith("group: ") && l.includes("; meanGap: ")),
      acceptance: labels.filter((l) => l.startsWith("group: ") && l.includes("; acceptance: ")),
    };
  });
}

const fieldOf = (label: string, field: string) => new RegExp(`${field}: ([^;]*)`).exec(label)?.[1];

test.skipIf(noBrowser)(
  "the view shows @loom/analysis's numbers for the server's sessions, draws each chart's marks and marks divergences on the text",
  { timeout: 240_000 },
  async () => {
    for (const [id, picks] of Object.entries(PICKS)) await playSession(t.api, id, { seed: `Story ${id}.` }, picks);

    const page = await openAnalysis("?groupBy=position");
    expect(await page.getAttribute('[data-testid="analysis"]', "data-state")).toBe("ready");

    // The numbers: what @loom/analysis computes here, read from the same directory…
    const report = await analyzeSessions([t.rig.sessionsDir], { groupBy: ["position"] });
    const want = reportRows(report);
    const shown = await shownTable(page);
    expectTable(shown, want);
    // …and what the picks themselves say: the overall row's choices, acceptance and divergences.
    const all = Object.values(PICKS).flat();
    const overall = shown.rows.at(-1)!;
    const col = (name: string) => overall[shown.columns.indexOf(name)]!;
    expect(col("position")).toBe("(all)");
    expect(Number(col("choices"))).toBe(all.length);
    expect(Number(col("acceptance"))).toBeCloseTo(all.filter((p) => p === 0).length / all.length, 3);
    expect(Number(col("divergences"))).toBe(all.filter((p) => GAPS[p]! < -1).length);
    expect(Number(col("gap_min"))).toBeCloseTo(GAPS[2]!, 3);

    // The charts: one described mark per datum of each, carrying the datum's numbers.
    const data = chartData(report);
    const marks = await chartMarks(page);
    expect(marks.bars.length).toBe(data.gapDistribution.length);
    expect(marks.gaps.length).toBe(data.gapAlongPiece.length);
    expect(marks.acceptance.length).toBe(data.acceptanceByPosition.length);
    expect(data.gapAlongPiece.length).toBeGreaterThan(1);
    const shownCounts = marks.bars.map((l) => `${fieldOf(l, "group")}|${fieldOf(l, "range")}|${fieldOf(l, "count")}`);
    expect(shownCounts.sort()).toEqual(data.gapDistribution.map((d) => `${d.group}|${d.range}|${d.count}`).sort());
    const shownAcceptance = marks.acceptance.map((l) => Number(fieldOf(l, "acceptance")));
    expect(shownAcceptance.sort()).toEqual(data.acceptanceByPosition.map((d) => d.acceptance as number).sort());
    // Drawn, not only present: each bar of a non-empty bin has area on screen.
    const drawnBars = await page.evaluate(
      () =>
        Array.from(document.querySelectorAll('[data-testid="analysis-charts"] svg [aria-label*="; range: "]')).filter(
          (e) => {
            const r = (e as SVGGraphicsElement).getBBox();
            return r.width > 0 && r.height > 0;
          },
        ).length,
    );
    expect(drawnBars).toBe(data.gapDistribution.filter((d) => (d.count as number) > 0).length);

    // The divergences on the first session's text: exactly its choices of the third candidate.
    const piece = page.locator('[data-testid="analysis-piece"]');
    expect(await piece.getAttribute("data-session-id")).toBe("alpha");
    const divergent = await piece.locator('[data-testid="divergence"]').allTextContents();
    const picks = PICKS.alpha!;
    expect(divergent).toEqual(picks.flatMap((p, i) => (p === 2 ? [` moss${i + 1}`] : [])));
    const words = ["ember", "frost", "moss"];
    expect(await piece.textContent()).toBe(`Story alpha.${picks.map((p, i) => ` ${words[p]}${i + 1}`).join("")}`);

    // The form: by session, only beta and gamma, gamma's text marked.
    await page.check('[data-testid="analysis-group-session"]');
    await page.uncheck('[data-testid="analysis-group-position"]');
    await page.uncheck('[data-testid="analysis-session-alpha"]');
    await page.check('[data-testid="analysis-marks-gamma"]');
    await page.click('[data-testid="analysis-run"]');
    await settles(page, async () => {
      expect(await page.getAttribute('[data-testid="analysis"]', "data-state")).toBe("ready");
      expect(await piece.getAttribute("data-session-id")).toBe("gamma");
    });
    const two = reportRows(
      await analyzeSessions(
        ["beta", "gamma"].map((id) => `${t.rig.sessionsDir}/${id}`),
        { groupBy: ["session"] },
      ),
    );
    const after = await shownTable(page);
    expect(after.rows.map((r) => r[0])).toEqual(["beta", "gamma", "(all)"]);
    expectTable(after, two);
    expect(await piece.locator('[data-testid="divergence"]').count()).toBe(PICKS.gamma!.filter((p) => p === 2).length);
    expect(new URL(page.url()).searchParams.get("sessions")).toBe("beta,gamma");

    // A hostile address: the page shows the server's refusal, which names the parameter.
    const bad = await openAnalysis("?groupBy=position,nonsense");
    expect(await bad.textContent('[data-testid="analysis-error"]')).toContain('"groupBy"');
    await Promise.all([page.close(), bad.close()]);
    expect(consoleErrors).toEqual([]);
  },
);

test.skipIf(noBrowser)("GET /api/analysis refuses a hostile query with a 400 naming the parameter", async () => {
  const cases: [string, string][] = [
    ["groupBy=selector,__proto__", "groupBy"],
    ["threshold=NaN", "threshold"],
    ["threshold=1e400", "threshold"],
    ["buckets=0", "buckets"],
    ["buckets=7.5", "buckets"],
    ["sessions=../../etc", "sessions"],
    ["sessions=,", "sessions"],
    ["marks=a%2Fb", "marks"],
    ["groupBy=session&evil=1", "evil"],
  ];
  for (const [query, field] of cases) {
    const res = await fetch(`${t.rig.server.url}/api/analysis?${query}`);
    const body = (await res.json()) as { error: { field?: string; message: string } };
    expect(res.status, query).toBe(400);
    expect(body.error.field, query).toBe(field);
    expect(body.error.message, query).toContain(field);
  }
  const missing = await fetch(`${t.rig.server.url}/api/analysis?sessions=nobody`);
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as { error: { message: string } }).error.message).toContain("nobody");
});
