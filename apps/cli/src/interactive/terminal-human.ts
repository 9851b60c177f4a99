// The human at a terminal as a HumanInterface: keys choose, stop, reroll, write, go back, branch at a token, walk the tree, show rejected, quit.
import { currentText, rejectedAt, type SelectorDecision } from "@loom/core";
import type {
  BriefChangeAnswer,
  BriefChangeRequest,
  ClarificationAnswer,
  ClarificationRequest,
  HumanChoiceRequest,
  HumanInterface,
  SelectionOutcome,
} from "@loom/selectors";
import type { Output } from "../cli/output.js";
import { formatLogprob } from "../render/snippet.js";
import type { KeyInput } from "./key-input.js";
import { renderStep } from "./render-step.js";
import { browseBack } from "./browse-back.js";
import { joinWritten } from "./join-written.js";
import { type BranchAt, Navigated, QuitRequested, type Navigate } from "./interactive-exits.js";
import { browseTokens } from "./token-view.js";
import { readNumber } from "./read-number.js";
import type { SeenMarks } from "./seen-marks.js";
import { walkTree } from "./tree-walk.js";
import { renderBriefChange } from "./render-brief-change.js";

export { Navigated, QuitRequested } from "./interactive-exits.js";

export class TerminalHuman implements HumanInterface {
  constructor(
    private readonly keys: KeyInput,
    private readonly out: Output,
    private readonly signal: AbortSignal,
    private readonly navigate: Navigate,
    private readonly branchAt?: BranchAt,
    /** What the writer has been shown at the keyboard (unread marks in the tree walk). */
    private readonly seen?: SeenMarks,
  ) {}

  private clear(): void {
    if (this.out.streams.stdout.isTTY) this.out.write("\u001B[2J\u001B[H");
  }

  async chooseCandidate(request: HumanChoiceRequest): Promise<SelectionOutcome> {
    const c = this.out.colors;
    const { candidates, loom } = request;
    let notice = "";
    for (;;) {
      this.clear();
      this.out.write(`${renderStep(loom, candidates, c, this.out.columns)}\n`);
      // Offered here, and the path whose text is on screen: shown to the writer.
      this.seen?.show(candidates.map((cand) => cand.id));
      this.seen?.show(loom.currentPath);
      if (notice) this.out.write(`${notice}\n`);
      notice = "";
      this.out.write("> ");
      const key = await this.keys.next(this.signal);
      const ch = key.sequence;
      if (/^[1-9]$/.test(ch)) {
        const index = await readNumber(this.keys, this.out, Number(ch), candidates.length, this.signal);
        const chosen = index === null ? undefined : candidates[index - 1];
        if (!chosen) {
          notice = c.yellow(`no candidate ${index ?? ""}; there are ${candidates.length}`);
          continue;
        }
        return { action: "choose", choice: chosen.id, reason: "chosen at the keyboard" };
      }
      switch (ch) {
        case "s":
          return { action: "stop", reason: "stopped at the keyboard" };
        case "r":
          return { action: "reroll" };
        case "b": {
          if (loom.currentPath.length <= 1) {
            notice = c.yellow("already at the seed; nothing to go back to");
            continue;
          }
          // Going back shows what was offered at the parent; nothing is generated unless asked for (r there).
          const target = await browseBack(loom, this.keys, this.out, this.signal);
          if (target === null) continue;
          await this.navigate(target);
          throw new Navigated(target);
        }
        case "t": {
          const tip = loom.currentPath[loom.currentPath.length - 1]!;
          if (loom.currentPath.length <= 1 || !this.branchAt) {
            notice = c.yellow("no segment chosen yet: its tokens are shown once one is");
            continue;
          }
          if (!loom.nodes[tip]!.tokens?.length) {
            notice = c.yellow("the last segment has no tokens (it was written, edited, or its generator gave none)");
            continue;
          }
          // The step on screen stays open; a branch becomes the new tip and the run continues from it.
          const at = await browseTokens(loom, tip, this.keys, this.out, this.signal);
          if (at === null) continue;
          const made = await this.branchAt(tip, at.tokenIndex, at.alternative);
          throw new Navigated(made);
        }
        case "m": {
          if (!this.seen) continue;
          // The step on screen stays open; Enter on another node moves the tip there and the run continues from it.
          const target = await walkTree(loom, this.keys, this.out, this.seen, this.signal);
          if (target === null) continue;
          await this.navigate(target);
          throw new Navigated(target);
        }
        case "q":
          throw new QuitRequested();
        case "w": {
          this.out.write(
            `\n${c.bold("your continuation")} ${c.dim("(Enter saves, Esc cancels, \\n for a newline)")}: `,
          );
          const text = await this.keys.line((s) => this.out.write(s), this.signal);
          if (text === null || text === "") {
            notice = c.dim("nothing written");
            continue;
          }
          return { action: "write", text: joinWritten(currentText(loom), text) };
        }
        case "?": {
          const parent = loom.currentPath[loom.currentPath.length - 1]!;
          const rejected = rejectedAt(loom, parent);
          notice = rejected.length
            ? [
                c.bold(`rejected here (${rejected.length}):`),
                ...rejected.map((n) => `  ${c.dim(formatLogprob(n.stepLogprob).padStart(7))}  “${n.text}”`),
              ].join("\n")
            : c.dim("nothing rejected here yet");
          continue;
        }
        default:
          notice = c.dim(
            `keys: 1-${Math.min(9, candidates.length)}${candidates.length > 9 ? " (then Enter)" : ""}, r, w, b, t, m, ?, s, q`,
          );
      }
    }
  }

  async answerClarification(request: ClarificationRequest): Promise<ClarificationAnswer> {
    const c = this.out.colors;
    const lines = [
      "",
      c.magenta(c.bold("The selector asks: ")) + request.question,
      request.whatHingesOnIt ? c.dim(`what hinges on it: ${request.whatHingesOnIt}`) : "",
      ...request.candidatesInTension.map((id) => {
        const i = request.candidates.findIndex((cand) => cand.id === id);
        const cand = request.candidates[i];
        return cand ? `  ${i + 1}. “${cand.text}”` : "";
      }),
      c.dim("Type an answer and Enter (a bare number chooses that candidate; Esc lets the selector decide alone):"),
    ].filter(Boolean);
    this.out.write(`${lines.join("\n")}\n> `);
    const answer = (await this.keys.line((s) => this.out.write(s), this.signal)) ?? "";
    this.out.write("\n");
    const asNumber = /^\s*(\d+)\s*$/.exec(answer);
    const picked = asNumber ? request.candidates[Number(asNumber[1]) - 1] : undefined;
    if (picked)
      return {
        answer: `chose candidate ${asNumber![1]}`,
        decision: { action: "choose", choice: picked.id, reason: "chosen by the human after a clarification" },
      };
    return { answer: answer || "(no answer; decide as you see fit)" };
  }

  /** The agent's proposed brief change, field by field; y applies it, n refuses (with an optional word why). */
  async approveBriefChange(request: BriefChangeRequest): Promise<BriefChangeAnswer> {
    const c = this.out.colors;
    this.out.write(`\n${renderBriefChange(request, c)}\n${c.bold("Apply this change to the brief? (y/n)")} `);
    for (;;) {
      const key = await this.keys.next(request.signal ?? this.signal);
      if (key.sequence === "y" || key.sequence === "Y") {
        this.out.write("yes\n");
        return { approved: true };
      }
      if (key.sequence === "n" || key.sequence === "N") {
        this.out.write(`no\n${c.dim("why not? (told to the agent; Enter skips)")}: `);
        const why = (await this.keys.line((s) => this.out.write(s), request.signal ?? this.signal)) ?? "";
        this.out.write("\n");
        return why.trim() ? { approved: false, note: why.trim() } : { approved: false };
      }
      if (key.sequence === "q") throw new QuitRequested();
    }
  }

  async reviewDecision(request: HumanChoiceRequest & { proposed: SelectorDecision }): Promise<SelectorDecision | null> {
    const c = this.out.colors;
    const { proposed, candidates } = request;
    this.clear();
    this.out.write(`${renderStep(request.loom, candidates, c, this.out.columns)}\n`);
    const i = proposed.action === "choose" ? candidates.findIndex((cand) => cand.id === proposed.choice) : -1;
    const what = proposed.action === "choose" ? `choose ${i + 1}` : proposed.action;
    this.out.write(
      `${c.magenta("selector proposes:")} ${what}${"reason" in proposed && proposed.reason ? c.dim(` — ${proposed.reason}`) : ""}\n`,
    );
    this.out.write(c.dim("Enter accepts · a number overrides · s stops\n> "));
    for (;;) {
      const key = await this.keys.next(this.signal);
      if (key.name === "return" || key.name === "enter") return null;
      if (key.sequence === "q") throw new QuitRequested();
      if (key.sequence === "s") return { action: "stop", reason: "stopped by the human, overriding the selector" };
      const n = Number(key.sequence);
      const cand = Number.isInteger(n) && n > 0 ? candidates[n - 1] : undefined;
      if (cand) return { action: "choose", choice: cand.id, reason: "the human overrode the selector" };
    }
  }
}
