import { ApiError, type FieldError } from '../errors.ts';

/** A JSON body as a plain record; anything else is refused in the registry's shape. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ApiError('NOT_AN_OBJECT');
  return body as Record<string, unknown>;
}

/** A required string field of at most `maxLength` characters. */
export function stringField(body: Record<string, unknown>, field: string, maxLength = 1000): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') throw invalid(field, 'is required');
  if (value.length > maxLength) throw invalid(field, `must be at most ${maxLength} characters`);
  return value;
}

export function optionalStringField(
  body: Record<string, unknown>,
  field: string,
  maxLength = 1000,
): string | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  if (value.length > maxLength) throw invalid(field, `must be at most ${maxLength} characters`);
  return value;
}

export function invalid(field: string, reason: string): ApiError {
  const fields: FieldError[] = [{ field, reason }];
  return new ApiError('VALIDATION_ERROR', fields);
}
