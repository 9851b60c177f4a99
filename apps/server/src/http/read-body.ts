// Reading a JSON request body with a hard size limit, so one client cannot make the server buffer without end.
import type { IncomingMessage } from "node:http";
import { HttpError } from "./http-error.js";

/** Read and parse a JSON body; an empty body reads as `{}` so optional-only endpoints need no body. */
export async function readJsonBody(
  req: IncomingMessage,
  limitBytes: number,
  option: "maxBodyBytes" | "maxImportBytes" = "maxBodyBytes",
): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume();
    throw new HttpError(
      413,
      "body_too_large",
      `request body is ${declared} bytes; the limit is ${limitBytes} (option ${option})`,
    );
  }
  const type = String(req.headers["content-type"] ?? "");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) {
      req.resume();
      throw new HttpError(
        413,
        "body_too_large",
        `request body exceeds the limit of ${limitBytes} bytes (option ${option})`,
      );
    }
    chunks.push(chunk);
  }
  if (size === 0) return {};
  if (type && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new HttpError(415, "unsupported_media_type", `send the body as application/json (got "${type}")`);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, "invalid_json", `the request body is not valid JSON: ${(error as Error).message}`);
  }
}
