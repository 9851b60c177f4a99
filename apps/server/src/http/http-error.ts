// HttpError: an error that knows its HTTP status and a stable code, turned into a JSON body in one place.
import { LoomBaseError } from "@loom/core";
import { errorKind } from "@loom/core/internal";

export interface HttpErrorBody {
  error: {
    code: string;
    message: string;
    /** For a bad body or query: the dotted path of the first offending field. */
    field?: string;
    issues?: { field: string; message: string }[];
  };
}

/** An error with its HTTP status; a member of core's error family (its `code` is the body's stable code). */
export class HttpError extends LoomBaseError {
  static override readonly isInstance = errorKind<HttpError>("HttpError");
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly extra: {
      field?: string;
      issues?: { field: string; message: string }[];
      headers?: Record<string, string>;
    } = {},
  ) {
    super(code, message);
  }

  toBody(): HttpErrorBody {
    const body: HttpErrorBody = { error: { code: this.code, message: this.message } };
    if (this.extra.field !== undefined) body.error.field = this.extra.field;
    if (this.extra.issues) body.error.issues = this.extra.issues;
    return body;
  }
}
