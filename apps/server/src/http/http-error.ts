// HttpError: an error that knows its HTTP status and a stable code, turned into a JSON body in one place.

export interface HttpErrorBody {
  error: {
    code: string;
    message: string;
    /** For a bad body or query: the dotted path of the first offending field. */
    field?: string;
    issues?: { field: string; message: string }[];
  };
}

export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: {
      field?: string;
      issues?: { field: string; message: string }[];
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
  }

  toBody(): HttpErrorBody {
    const body: HttpErrorBody = { error: { code: this.code, message: this.message } };
    if (this.extra.field !== undefined) body.error.field = this.extra.field;
    if (this.extra.issues) body.error.issues = this.extra.issues;
    return body;
  }
}
