// Lets the token commands take the session before the node (`loom tokens story n_4f2e`) as well as after it, like the other commands.
import { resolve } from "node:path";
import { looksLikeSession } from "./session-dir.js";

/**
 * The positionals with `node` and `session` swapped when the first names a session directory and the second
 * does not (a node reference never does), and with a lone session directory taken as the session.
 */
export function sessionFirst(
  positionals: Record<string, string | undefined>,
  cwd: string,
): Record<string, string | undefined> {
  const { node, session } = positionals;
  const isSession = (arg: string | undefined) => arg !== undefined && looksLikeSession(resolve(cwd, arg));
  if (isSession(node) && (session === undefined || !isSession(session)))
    return { ...positionals, node: session, session: node };
  return positionals;
}
