/**
 * Errors a served request can end in, as Text Embeddings Inference (TEI) reports them: a JSON body
 * `{"error": "…", "error_type": "…"}` whose type decides the HTTP status (TEI's router/src/http/server.rs).
 */
import { InputError } from "../errors.js";

export type ApiErrorType = "Unhealthy" | "Backend" | "Overloaded" | "Validation" | "Tokenizer" | "Empty";

/** TEI's status for each error type. */
export const STATUS_OF: Readonly<Record<ApiErrorType, number>> = {
  Unhealthy: 503,
  Backend: 424,
  Overloaded: 429,
  Validation: 422,
  Tokenizer: 422,
  Empty: 400,
};

export interface ApiErrorBody {
  error: string;
  error_type: ApiErrorType;
}

/** An error answered to the client; `status` defaults to TEI's for the type. */
export class ApiError extends InputError {
  readonly status: number;

  constructor(readonly errorType: ApiErrorType, message: string, status?: number) {
    super(message);
    this.status = status ?? STATUS_OF[errorType];
  }

  body(): ApiErrorBody {
    return { error: this.message, error_type: this.errorType };
  }
}

/** The queue is full: the client should retry later (429). */
export class OverloadedError extends ApiError {
  constructor(limit: number) {
    super("Overloaded", `model is overloaded: ${limit} requests are already queued or running; retry later`);
  }
}
