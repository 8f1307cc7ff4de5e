import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/**
 * How the dashboard page is being read: signed in (everything, with links to settings), or
 * through a shared link / public site (read-only: no settings, no other sites, only the link's
 * panels). The server enforces the same limits; this only keeps the page from offering them.
 */
export interface ViewMode {
  readonly shared: boolean;
  /** The panels shown; null: every panel. */
  readonly panels: readonly string[] | null;
  /** Whether the reader may reach settings (signed in as an admin or owner; never shared). */
  readonly configurable: boolean;
}

export const ViewModeContext = createContext<ViewMode>({ shared: false, panels: null, configurable: true });

export function useViewMode(): ViewMode {
  return useContext(ViewModeContext);
}

export function showsPanel(mode: ViewMode, panel: string): boolean {
  return mode.panels === null || mode.panels.includes(panel);
}
