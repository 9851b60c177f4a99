// The human on the web page, as the orchestrator sees it during a server-side run: questions wait for an answer posted over HTTP.
import type {
  BriefChangeAnswer,
  BriefChangeRequest,
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

/** The agent's brief change waiting for the page's approval. */
export interface PendingBriefChange {
  changed: string[];
  proposed: BriefChangeRequest["proposed"];
  reason: string;
}

export class WebHuman implements HumanInterface {
  private readonly waiting = new Map<string, Waiting>();
  private approval: {
    pending: PendingBriefChange;
    resolve(answer: BriefChangeAnswer): void;
    reject(e: unknown): void;
  } | null = null;

  /** The brief change the agent waits on the page to approve, if any. */
  get pendingBriefChange(): PendingBriefChange | null {
    return this.approval?.pending ?? null;
  }

  /** The page's yes or no to the agent's brief change; false when none waits. */
  deliverApproval(answer: BriefChangeAnswer): boolean {
    const a = this.approval;
    if (!a) return false;
    this.approval = null;
    a.resolve(answer);
    return true;
  }

  approveBriefChange(request: BriefChangeRequest): Promise<BriefChangeAnswer> {
    return new Promise<BriefChangeAnswer>((resolve, reject) => {
      const onAbort = () => {
        this.approval = null;
        reject(request.signal?.reason ?? new Error("aborted"));
      };
      if (request.signal?.aborted) return onAbort();
      request.signal?.addEventListener("abort", onAbort, { once: true });
      this.approval?.reject(new Error("a newer brief change replaced this one"));
      this.approval = {
        pending: { changed: request.changed, proposed: request.proposed, reason: request.reason },
        resolve: (answer) => {
          request.signal?.removeEventListener("abort", onAbort);
          resolve(answer);
        },
        reject,
      };
    });
  }

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
    this.approval?.reject(reason);
    this.approval = null;
    for (const w of this.waiting.values()) w.reject(reason);
    this.waiting.clear();
  }
}
