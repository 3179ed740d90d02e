// The one error class of the Hetzner Cloud client: the API's error codes plus the client's own.

/** Error codes the API documents (`error.code` of an error body). */
export type ApiErrorCode =
  | 'conflict'
  | 'forbidden'
  | 'invalid_input'
  | 'json_error'
  | 'locked'
  | 'maintenance'
  | 'not_found'
  | 'protected'
  | 'rate_limit_exceeded'
  | 'resource_limit_exceeded'
  | 'resource_unavailable'
  | 'server_error'
  | 'service_error'
  | 'token_readonly'
  | 'unauthorized'
  | 'uniqueness_error'
  | 'unsupported_error'
  | 'bad_gateway'
  | 'timeout'
  | 'unknown_error';

/** Codes raised by the client itself, never by the API. */
export type ClientErrorCode =
  /** A non-GET request in check mode (the client is read-only). */
  | 'check_mode'
  /** No token in the arguments, the environment or the credentials file. */
  | 'no_token'
  /** The credentials file can be read or written by group or others. */
  | 'insecure_token_file'
  /** The request never got an HTTP answer (connection refused, reset, timed out). */
  | 'network_error'
  /** An action finished with status `error`. */
  | 'action_failed'
  /** An action was still running when the wait timed out. */
  | 'action_timeout'
  /** The API answered something that is not the documented shape. */
  | 'bad_response';

/** Any code an HcloudError may carry (API codes not listed above are kept as they come). */
export type HcloudErrorCode = ApiErrorCode | ClientErrorCode | (string & {});

/** Field-level problems of an `invalid_input` error (`details.fields`). */
export interface InvalidField {
  name: string;
  messages: string[];
}

/** A failed Hetzner Cloud call: the API's code and message (`"server not found (not_found)"`), the HTTP status and the request. Never carries the token. */
export class HcloudError extends Error {
  override readonly name = 'HcloudError';
  readonly code: HcloudErrorCode;
  /** HTTP status, 0 when there was no HTTP answer. */
  readonly status: number;
  /** The API's own message, without the code suffix. */
  readonly apiMessage: string;
  readonly details: unknown;
  /** `METHOD /path` of the request, when there was one. */
  readonly request: string | undefined;
  readonly correlationId: string | undefined;

  constructor(
    code: HcloudErrorCode,
    apiMessage: string,
    options: { status?: number; details?: unknown; request?: string; correlationId?: string | undefined; cause?: unknown } = {},
  ) {
    super(`${apiMessage} (${code})`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.apiMessage = apiMessage;
    this.status = options.status ?? 0;
    this.details = options.details;
    this.request = options.request;
    this.correlationId = options.correlationId;
  }

  /** The invalid fields of an `invalid_input` error (empty otherwise). */
  get fields(): InvalidField[] {
    const fields = (this.details as { fields?: unknown } | undefined)?.fields;
    if (!Array.isArray(fields)) return [];
    return fields
      .filter((f): f is { name: string; messages?: unknown } => typeof f === 'object' && f !== null && typeof (f as { name?: unknown }).name === 'string')
      .map((f) => ({ name: f.name, messages: Array.isArray(f.messages) ? f.messages.map(String) : [] }));
  }

  /** The shape Ansible's hcloud modules put under `failure` in a failed result. */
  toFailure(): { code: string; message: string; details: unknown } {
    return { code: this.code, message: this.apiMessage, details: this.details ?? null };
  }
}

/** True for an HcloudError, optionally with one of `codes`. */
export function isHcloudError(error: unknown, ...codes: HcloudErrorCode[]): error is HcloudError {
  return error instanceof HcloudError && (codes.length === 0 || codes.includes(error.code));
}

/** Builds the error for an HTTP error answer from its body (`{"error": {"code", "message", "details"}}`) or, failing that, its status. */
export function errorFromResponse(status: number, body: unknown, request: string, correlationId: string | undefined): HcloudError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' && error.code !== '' ? error.code : codeForStatus(status);
  let message = typeof error?.message === 'string' && error.message !== '' ? error.message : `HTTP ${status} from ${request}`;
  const result = new HcloudError(code, message, { status, details: error?.details ?? undefined, request, correlationId });
  if (code === 'invalid_input' && result.fields.length > 0) {
    message = `${message}: ${result.fields.map((f) => `${f.name}: ${f.messages.join(', ') || 'invalid'}`).join('; ')}`;
    return new HcloudError(code, message, { status, details: error?.details, request, correlationId });
  }
  return result;
}

function codeForStatus(status: number): ApiErrorCode {
  switch (status) {
    case 400:
      return 'invalid_input';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 423:
      return 'locked';
    case 429:
      return 'rate_limit_exceeded';
    case 502:
      return 'bad_gateway';
    case 503:
      return 'service_error';
    case 504:
      return 'timeout';
    default:
      return status >= 500 ? 'server_error' : 'unknown_error';
  }
}
