import { useState } from 'preact/hooks';
import { api, describeError } from '../api.ts';
import { useApi } from '../dashboard/use-stats.ts';

/** What the server lists of a key: never the key itself, only its prefix. */
export interface KeyListEntry {
  prefix: string;
  name: string;
  created_at: string;
  revoked_at: string | null;
}

/**
 * A site's keys of one kind at `base` (`GET` lists, `POST` creates, `DELETE base/prefix` revokes):
 * the list, reloaded after every change, the key just created (shown once), and the last failure.
 */
export function useKeyList<K extends KeyListEntry>(base: string, revokeQuestion: (prefix: string) => string) {
  const [version, setVersion] = useState(0);
  const keys = useApi(() => api.get<{ keys: K[] }>(base), `${base}:${version}`);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  /** Creates a key from `body`; resolves true once it is created and listed. */
  const create = async (body: Record<string, unknown>): Promise<boolean> => {
    setError(null);
    try {
      const result = await api.post<{ key: string }>(base, body);
      setCreated(result.key);
      setVersion(version + 1);
      return true;
    } catch (failure) {
      setError(describeError(failure));
      return false;
    }
  };
  const revoke = async (prefix: string) => {
    if (!window.confirm(revokeQuestion(prefix))) return;
    setError(null);
    try {
      await api.delete(`${base}/${encodeURIComponent(prefix)}`);
      setVersion(version + 1);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  return { keys, created, error, create, revoke };
}

/** Columns a kind of key shows between its name and its creation day. */
export interface KeyColumn<K> {
  readonly header: string;
  readonly cell: (key: K) => string;
}

/** The keys as a table: prefix, name, any extra columns, day created, and Revoke (or "revoked"). */
export function KeyTable<K extends KeyListEntry>(props: {
  keys: K[];
  onRevoke: (prefix: string) => void;
  columns?: KeyColumn<K>[];
  /** Whether a revoked key says on which day. */
  revokedDay?: boolean;
}) {
  const columns = props.columns ?? [];
  return (
    <table class="breakdown keys">
      <thead>
        <tr>
          <th scope="col">Key</th>
          <th scope="col">Name</th>
          {columns.map((column) => (
            <th scope="col" key={column.header}>
              {column.header}
            </th>
          ))}
          <th scope="col">Created</th>
          <th scope="col" />
        </tr>
      </thead>
      <tbody>
        {props.keys.map((key) => (
          <tr key={key.prefix} class={key.revoked_at ? 'revoked' : ''} data-prefix={key.prefix}>
            <td>
              <code>{key.prefix}…</code>
            </td>
            <td>{key.name}</td>
            {columns.map((column) => (
              <td key={column.header}>{column.cell(key)}</td>
            ))}
            <td>{key.created_at.slice(0, 10)}</td>
            <td class="num">
              {key.revoked_at ? (
                <span class="muted small">
                  {props.revokedDay ? `revoked ${key.revoked_at.slice(0, 10)}` : 'revoked'}
                </span>
              ) : (
                <button type="button" class="link-button" onClick={() => props.onRevoke(key.prefix)}>
                  Revoke
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
