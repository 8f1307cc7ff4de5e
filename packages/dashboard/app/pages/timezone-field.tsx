import { timezoneOptions } from './timezones.ts';

/** The "Time zone" field of the site forms: every IANA zone the browser knows. */
export function TimezoneField(props: { value: string; onChange: (zone: string) => void }) {
  return (
    <label>
      Time zone
      <select name="timezone" value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {timezoneOptions().map((zone) => (
          <option key={zone} value={zone}>
            {zone}
          </option>
        ))}
      </select>
    </label>
  );
}
