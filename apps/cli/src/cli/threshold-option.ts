// The --threshold option of the commands that count divergences (`divergences`, `analyze`): one definition, one meaning.
export const THRESHOLD_OPTION = {
  type: "number",
  max: 0,
  default: -1,
  valueName: "X",
  description: "logprob gap below which a choice counts as a divergence",
} as const;
