import type { ComponentChildren } from 'preact';
import { onLinkClick } from './router.ts';

/** An in-app link: a real anchor that navigates without reloading. */
export function Link(props: { href: string; class?: string; children: ComponentChildren }) {
  return (
    <a href={props.href} class={props.class} onClick={onLinkClick}>
      {props.children}
    </a>
  );
}
