// Session ids are directory names under the sessions directory, so only a safe alphabet is allowed (no path traversal).
import { z } from "zod";
import { HttpError } from "../http/http-error.js";

export const SESSION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const SessionIdSchema = z
  .string()
  .regex(SESSION_ID_PATTERN, "a session id is 1-64 letters, digits, '_' or '-', starting with a letter or digit");

export function assertSessionId(id: string): string {
  if (!SESSION_ID_PATTERN.test(id)) {
    throw new HttpError(
      400,
      "invalid_session_id",
      `"${id.slice(0, 80)}" is not a valid session id: use 1-64 letters, digits, '_' or '-', starting with a letter or digit`,
      {
        field: "sessionId",
      },
    );
  }
  return id;
}
