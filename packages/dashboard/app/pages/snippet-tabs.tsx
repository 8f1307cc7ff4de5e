import { useState } from 'preact/hooks';
import type { Snippet } from './snippets.ts';

/** One tab per snippet; the chosen one is marked selected. */
export function SnippetTabs(props: {
  snippets: Snippet[];
  chosen: Snippet;
  onChoose: (id: string) => void;
  label?: string;
}) {
  return (
    <div class="tabs" role="tablist" aria-label={props.label}>
      {props.snippets.map((s) => (
        <button
          type="button"
          role="tab"
          key={s.id}
          aria-selected={s.id === props.chosen.id}
          class={s.id === props.chosen.id ? 'tab active' : 'tab'}
          onClick={() => props.onChoose(s.id)}
        >
          {s.label}
        </button>
      ))}
    </div>
  );
}

/** Copies `text` to the clipboard and says so; give it a `key` to reset it when the text changes. */
export function CopyButton(props: { text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      class="button secondary small"
      onClick={() => navigator.clipboard?.writeText(props.text).then(() => setCopied(true))}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
