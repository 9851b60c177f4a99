// Packages speak to programmers (options, config keys, package names); this says the same to someone at the `loom` command.

const REWRITES: [RegExp, string][] = [
  [/ or pass apiKey\.?/g, "."],
  [/ \(or the apiKey option\)/g, ""],
  [/upgrade @loom\/io to read this session/g, "upgrade loom (npm i -g @loom/cli) to read this session"],
  [/set generator\.model \(or modelPath\)/g, "pass --model PATH"],
  [/set generator\.model/g, "pass --model MODEL (or `loom config SESSION set generator.model MODEL`)"],
  [/needs generator\.baseUrl/g, "needs --base-url URL (or `loom config SESSION set generator.baseUrl URL`)"],
  [/ made by createSession/g, ""],
];

export function cliWording(message: string): string {
  let out = message;
  for (const [pattern, replacement] of REWRITES) out = out.replace(pattern, replacement);
  return out;
}
