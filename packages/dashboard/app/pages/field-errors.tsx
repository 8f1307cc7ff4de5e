import { ApiError, describeError, type FieldError } from '../api.ts';

/**
 * A refusal split for a form: its message, the reasons of each field the form shows (so they sit
 * next to their inputs), and the reasons of any other field, told with the message.
 */
export interface FormRefusal {
  readonly message: string;
  readonly byField: ReadonlyMap<string, readonly string[]>;
  readonly other: readonly FieldError[];
}

export function formRefusal(error: unknown, shownFields: readonly string[]): FormRefusal {
  if (!(error instanceof ApiError)) return { message: describeError(error), byField: new Map(), other: [] };
  const byField = new Map<string, string[]>();
  const other: FieldError[] = [];
  for (const item of error.fields) {
    if (shownFields.includes(item.field))
      byField.set(item.field, [...(byField.get(item.field) ?? []), item.reason]);
    else other.push(item);
  }
  return { message: error.message, byField, other };
}

/** The reasons given for one field, under its input. */
export function FieldReasons(props: { refusal: FormRefusal | null; field: string }) {
  const reasons = props.refusal?.byField.get(props.field) ?? [];
  if (reasons.length === 0) return null;
  return (
    <ul class="field-errors" data-field={props.field}>
      {reasons.map((reason) => (
        <li key={reason}>{reason}</li>
      ))}
    </ul>
  );
}

/** The refusal's message, with the reasons of fields no input shows. */
export function RefusalMessage(props: { refusal: FormRefusal | null }) {
  if (!props.refusal) return null;
  return (
    <div class="form-error" role="alert" data-testid="form-refusal">
      <p>{props.refusal.message}</p>
      {props.refusal.other.length > 0 && (
        <ul class="field-errors">
          {props.refusal.other.map((item) => (
            <li key={`${item.field}:${item.reason}`}>
              <code>{item.field}</code> {item.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
