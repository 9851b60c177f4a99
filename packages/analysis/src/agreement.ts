// Agreement between raters of the same decisions: the share of exact verdicts in common, and Kendall's tau between their rankings.

/** One rater's verdict on one decision, reduced to what agreement compares. */
export interface RaterVerdict {
  action: "choose" | "stop" | "clarify";
  /** The chosen candidate (choose only). */
  choice: string | null;
  /** Candidate ids, best first, when the rater ranked them. */
  ranking: string[] | null;
}

/** Two raters over the decisions both gave a verdict on. */
export interface PairAgreement {
  a: string;
  b: string;
  /** Decisions both rated. */
  decisions: number;
  /** Of those, the ones where both took the same action and (choosing) the same candidate. */
  agreed: number;
  agreement: number | null;
  /** Decisions where both ranked at least two candidates in common. */
  ranked: number;
  /** Mean over those decisions of Kendall's tau between the two rankings (over the candidates both ranked). */
  kendallTau: number | null;
}

export const sameVerdict = (x: RaterVerdict, y: RaterVerdict) =>
  x.action === y.action && (x.action !== "choose" || x.choice === y.choice);

/**
 * Kendall's tau between two rankings over the items both hold: (concordant − discordant) / pairs; rankings are
 * orders without ties, so this is tau-a (= tau-b). Null with fewer than two items in common.
 */
export function kendallTau(x: readonly string[], y: readonly string[]): number | null {
  const inY = new Map<string, number>();
  y.forEach((id, i) => {
    if (!inY.has(id)) inY.set(id, i);
  });
  const seen = new Set<string>();
  const ys: number[] = [];
  for (const id of x) {
    const at = inY.get(id);
    if (at === undefined || seen.has(id)) continue;
    seen.add(id);
    ys.push(at);
  }
  const n = ys.length;
  if (n < 2) return null;
  let score = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) score += ys[i]! < ys[j]! ? 1 : -1;
  return score / ((n * (n - 1)) / 2);
}

/** Accumulates pairwise agreement over decisions, each given as the verdicts of the raters that rated it. */
export class AgreementTally {
  private readonly pairs = new Map<string, { a: string; b: string; n: number; agreed: number; taus: number[] }>();
  readonly raters = new Set<string>();

  add(verdicts: ReadonlyMap<string, RaterVerdict>): void {
    const names = [...verdicts.keys()].sort();
    for (const r of names) this.raters.add(r);
    for (let i = 0; i < names.length; i++)
      for (let j = i + 1; j < names.length; j++) {
        const a = names[i]!;
        const b = names[j]!;
        const key = JSON.stringify([a, b]);
        let p = this.pairs.get(key);
        if (!p) this.pairs.set(key, (p = { a, b, n: 0, agreed: 0, taus: [] }));
        const va = verdicts.get(a)!;
        const vb = verdicts.get(b)!;
        p.n++;
        if (sameVerdict(va, vb)) p.agreed++;
        if (va.ranking && vb.ranking) {
          const tau = kendallTau(va.ranking, vb.ranking);
          if (tau !== null) p.taus.push(tau);
        }
      }
  }

  /** Every pair of raters seen (a before b by name), 0 decisions where they never met. */
  result(): PairAgreement[] {
    const raters = [...this.raters].sort();
    const out: PairAgreement[] = [];
    for (let i = 0; i < raters.length; i++)
      for (let j = i + 1; j < raters.length; j++) {
        const p = this.pairs.get(JSON.stringify([raters[i], raters[j]]));
        const n = p?.n ?? 0;
        const taus = p?.taus ?? [];
        out.push({
          a: raters[i]!,
          b: raters[j]!,
          decisions: n,
          agreed: p?.agreed ?? 0,
          agreement: n ? p!.agreed / n : null,
          ranked: taus.length,
          kendallTau: taus.length ? taus.reduce((s, t) => s + t, 0) / taus.length : null,
        });
      }
    return out;
  }
}
