// Domain errors carry their HTTP status: services throw them, the HTTP layer's error handler
// turns them into a French page or a problem+json answer. Anything else is a 500.
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'forbidden') {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'not found') {
    super(404, 'not-found', message);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

/** One field of a refused input: where (`email`, `query.limit`) and why, in French. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Input that is well-formed but breaks a rule (422); `fields` says which. */
export class ValidationError extends AppError {
  readonly fields: readonly FieldProblem[];
  constructor(code: string, message: string, fields: readonly FieldProblem[] = []) {
    super(422, code, message);
    this.fields = fields;
  }
}
