import { join } from "node:path";
import { test } from "vitest";
import { createSession } from "@loom/io";
import { chooseFirst, createScriptedSelector } from "@loom/selectors";
import { createScriptedGenerator } from "@loom/generators/test";
import { realisticLoom } from "../../cli/test/support/realistic-session.js";
import { startBrowserRig } from "./browser.js";

test("debug", { timeout: 300_000 }, async () => {
  const rig = await startBrowserRig({
    backendOptions: {
      generatorFor: () => createScriptedGenerator({ seed: 3, delayMs: 20 }),
      selectorFor: () => createScriptedSelector(chooseFirst),
    },
  });
  const loom = realisticLoom({ decisions: 625, branching: 8, seed: 12 });
  loom.sessionId = "dbg";
  loom.config = { ...loom.config, selector: { ...loom.config.selector, mode: "stateless", model: "x" }, maxSteps: 80 };
  await (await createSession(join(rig.sessionsDir, "dbg"), loom)).close();
  const page = await rig.browser.newPage();
  page.on("console", (m) => console.log("console:", m.text()));
  await page.goto(`${rig.server.url}/s/dbg`);
  await page.waitForFunction(() => document.querySelector('[data-testid="tree"]')?.getAttribute("data-node-count") === "5001", undefined, { timeout: 60000 });
  await page.click('[data-testid="generate-button"]');
  await page.waitForSelector('[data-testid="candidate-1"]:not([disabled])');
  await page.screenshot({ path: "/tmp/dbg1.png" });
  await page.click('[data-testid="reroll-button"]');
  await page.waitForTimeout(1500);
  await page.evaluate(() => {
    const w = window as any;
    w.longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) w.longTasks.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: "longtask" });
  });
  const client = await page.context().newCDPSession(page);
  const traceEvents: any[] = [];
  client.on("Tracing.dataCollected", (e: any) => traceEvents.push(...e.value));
  const done = new Promise((r) => client.once("Tracing.tracingComplete", r));
  await client.send("Tracing.start", { categories: "devtools.timeline,disabled-by-default-devtools.timeline", transferMode: "ReportEvents" } as any);
  await client.send("Profiler.enable");
  await client.send("Profiler.start");
  await page.click('[data-testid="run-button"]');
  await page.waitForSelector('[data-testid="notice"]:not([hidden])', { timeout: 180_000 });
  const { profile } = await client.send("Profiler.stop");
  await client.send("Tracing.end");
  await done;
  const sums = new Map<string, number>();
  for (const e of traceEvents) if (e.ph === "X" && e.dur) sums.set(e.name, (sums.get(e.name) ?? 0) + e.dur / 1000);
  console.log([...sums].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([k, v]) => `${v.toFixed(0)}ms ${k}`).join("\n"));
  // self time per function
  const self = new Map<string, number>();
  const dt = profile.timeDeltas ?? [];
  const byId = new Map(profile.nodes.map((n: any) => [n.id, n]));
  (profile.samples ?? []).forEach((id: number, i: number) => {
    const n: any = byId.get(id);
    const k = `${n.callFrame.functionName}@${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber}`;
    self.set(k, (self.get(k) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(0)}ms ${k}`).join("\n"));
  console.log("long tasks", JSON.stringify(await page.evaluate(() => (window as any).longTasks)));
  console.log("trace", JSON.stringify(await page.evaluate(() => (window as any).__trace)));
  await page.screenshot({ path: "/tmp/dbg2.png" });
  await rig.close();
});
