// API errors as the real Hetzner Cloud API answers them, and the simulator's own configuration error.

/** Status of each error code, from the error table of docs.hetzner.cloud ("Errors" → "Error Codes"). */
export const ERROR_STATUS: Readonly<Record<string, number>> = {
  json_error: 400,
  unauthorized: 401,
  token_readonly: 401,
  forbidden: 403,
  maintenance: 403,
  resource_limit_exceeded: 403,
  not_found: 404,
  method_not_allowed: 405,
  uniqueness_error: 409,
  conflict: 409,
  deprecated_api_endpoint: 410,
  resource_unavailable: 412,
  invalid_input: 422,
  service_error: 422,
  unsupported_error: 422,
  locked: 423,
  protected: 423,
  rate_limit_exceeded: 429,
  server_error: 500,
  unavailable: 503,
  timeout: 504,
};

/** The error code the real API uses for a bare HTTP status (for faults that give only a status). */
export function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'json_error';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 422:
      return 'invalid_input';
    case 423:
      return 'locked';
    case 429:
      return 'rate_limit_exceeded';
    case 503:
      return 'unavailable';
    case 504:
      return 'timeout';
    default:
      return 'server_error';
  }
}

/** An error answer: `{"error": {"code", "message", "details"}}` with its HTTP status. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(code: string, message: string, details: unknown = null, status?: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
    this.status = status ?? ERROR_STATUS[code] ?? 500;
  }

  /** The response body. */
  body(): { error: { code: string; message: string; details: unknown } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** 404 for a resource addressed by the path. */
export function notFound(kind: string, id: string | number): ApiError {
  return new ApiError('not_found', `${kind} with ID '${id}' not found`, null);
}

/** 422 `invalid_input` for one field, with the real API's `details.fields` shape. */
export function invalidField(field: string, message: string): ApiError {
  return new ApiError('invalid_input', `invalid input in field '${field}': ${message}`, {
    fields: [{ name: field, messages: [message] }],
  });
}

/** 422 `invalid_input` for a referenced resource that does not exist (real: `{"code":"invalid_input","message":"image not found","details":{}}`). */
export function referenceNotFound(kind: string): ApiError {
  return new ApiError('invalid_input', `${kind} not found`, {});
}

/** 409 `uniqueness_error` on a field. */
export function notUnique(message: string, field: string): ApiError {
  return new ApiError('uniqueness_error', message, { fields: [{ name: field }] });
}

/** 423 `locked`: the resource has a running action. */
export function locked(kind: string, id: number, command: string): ApiError {
  return new ApiError('locked', `${kind} ${id} is locked by a running action (${command})`, null);
}

/** 423 `protected`: the action is protected for this resource. */
export function protectedError(kind: string, what: 'delete' | 'rebuild'): ApiError {
  return new ApiError('protected', `${kind} ${what === 'delete' ? 'deletion' : 'rebuild'} is protected`, null);
}

/** A wrong option or seed given to the simulator itself (not an API answer). */
export class SimConfigError extends Error {
  readonly code = 'E_SIM_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'SimConfigError';
  }
}
