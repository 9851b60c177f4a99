// The human on the web page, as the orchestrator sees it during a server-side run: questions wait for an answer posted over HTTP.
import type {
  ClarificationAnswer,
  ClarificationRequest,
  HumanChoiceRequest,
  HumanInterface,
  SelectionOutcome,
} from "@loom/selectors";

interface Waiting {
  resolve(answer: ClarificationAnswer): void;
  reject(error: unknown): void;
}

export class WebHuman implements HumanInterface {
  private readonly waiting = new Map<string, Waiting>();

  /** True when a running selector is waiting for the answer to this decision's question. */
  isWaiting(decisionId: string): boolean {
    return this.waiting.has(decisionId);
  }

  /** Deliver the page's answer to the question the run is waiting on. */
  deliver(decisionId: string, answer: ClarificationAnswer): boolean {
    const w = this.waiting.get(decisionId);
    if (!w) return false;
    this.waiting.delete(decisionId);
    w.resolve(answer);
    return true;
  }

  answerClarification(request: ClarificationRequest): Promise<ClarificationAnswer> {
    return new Promise<ClarificationAnswer>((resolve, reject) => {
      const onAbort = () => {
        this.waiting.delete(request.decisionId);
        reject(request.signal?.reason ?? new Error("aborted"));
      };
      if (request.signal?.aborted) return onAbort();
      request.signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.set(request.decisionId, {
        resolve: (a) => {
          request.signal?.removeEventListener("abort", onAbort);
          resolve(a);
        },
        reject,
      });
    });
  }

  /** Runs are for machine selectors; a human choosing on the page uses the choose endpoint instead. */
  chooseCandidate(_request: HumanChoiceRequest): Promise<SelectionOutcome> {
    return Promise.reject(new Error("the web page chooses through POST /api/sessions/:id/choose, not through a run"));
  }

  cancelAll(reason: unknown): void {
    for (const w of this.waiting.values()) w.reject(reason);
    this.waiting.clear();
  }
}
