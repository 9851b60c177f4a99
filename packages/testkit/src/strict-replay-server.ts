// A replay server that enforces a service's rules: a request the service would refuse gets the service's 400 and fails the test, naming the rule.
import { startReplayServer, type RecordedRequest, type ReplayResponse, type ReplayServer } from "./replay-server.js";
import { violationsOf, type RuleViolation, type ServiceRules } from "./service-rules.js";

export interface StrictReplayServer extends ReplayServer {
  readonly rules: ServiceRules;
  /** Rules broken so far. */
  violations: RuleViolation[];
  /** Throws (naming each broken rule) when any request broke a rule; `close` calls it, so an afterEach fails the test. */
  assertNoViolations(): void;
  /** Expect the next violations (a test of the rule itself); they are cleared and not reported at close. */
  takeViolations(): RuleViolation[];
}

/** Start a strict replay server for one service. Violations are answered as the service would answer them. */
export async function startStrictReplayServer(
  rules: ServiceRules,
  initial: ReplayResponse[] = [],
): Promise<StrictReplayServer> {
  const violations: RuleViolation[] = [];
  const inner = await startReplayServer(initial, {
    intercept(request: RecordedRequest): ReplayResponse | null {
      const broken = violationsOf(rules, request);
      if (broken.length === 0) return null;
      for (const b of broken)
        violations.push({ rule: b.rule.name, message: b.message, method: request.method, path: request.path });
      const first = broken[0]!;
      return { status: first.rule.status ?? 400, body: rules.errorBody(first.message, first.rule) };
    },
  });
  const assertNoViolations = () => {
    if (violations.length === 0) return;
    const lines = violations.map((v) => `  ${v.rule} (${v.method} ${v.path}): ${v.message}`);
    throw new Error(
      `strict replay (${rules.service}, rules from ${rules.source}): ${violations.length} request(s) broke the service's rules:\n${lines.join("\n")}`,
    );
  };
  return {
    ...inner,
    rules,
    violations,
    assertNoViolations,
    takeViolations: () => violations.splice(0),
    close: async () => {
      await inner.close();
      assertNoViolations();
    },
  };
}
