// The human rendering of a doctor probe: one block per service, one line per fact.
import type { ServiceProbe } from "@loom/core";

const yesNo = (v: boolean | null, yes: string, no: string) => (v === null ? "unknown" : v ? yes : no);

export function renderProbe(p: ServiceProbe): string {
  const lines: [string, string][] = [
    ["service", `${p.provider}${p.model ? ` ${p.model}` : ""}${p.baseURL ? ` at ${p.baseURL}` : ""}`],
    ["reachable", yesNo(p.reachable, "yes", "no")],
    ["auth", yesNo(p.auth, "key accepted", "key refused")],
    ["model served", yesNo(p.modelServed, "yes", "no")],
  ];
  if (p.nativeN !== null) lines.push(["n", p.nativeN ? "native (one request per step)" : "one request per candidate"]);
  if (p.logprobs)
    lines.push([
      "logprobs",
      `${p.logprobs.layout ?? "none returned"} layout, ${p.logprobs.alternatives} alternatives seen, up to ${p.logprobs.limit} asked`,
    ]);
  else if (p.role === "generator" && p.reachable) lines.push(["logprobs", "none"]);
  if (p.stop)
    lines.push([
      "stop",
      `sent ${JSON.stringify(p.stop.sent)}${p.stop.clientSide.length ? `, applied by Loom ${JSON.stringify(p.stop.clientSide)}` : ""}`,
    ]);
  for (const fact of p.facts) lines.push(["", fact]);
  lines.push([
    "probe cost",
    `${p.cost.requests} request(s), ${p.cost.inputTokens} tokens in, ${p.cost.outputTokens} out`,
  ]);
  if (p.error) lines.push(["problem", p.error]);
  const head = `${p.role}: ${p.ok ? "ok" : "NOT OK"}`;
  return [head, ...lines.map(([k, v]) => `  ${k.padEnd(13)} ${v}`)].join("\n");
}
