import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { WorldMapProps } from '../map/world-map.tsx';
import { countryName } from './format.ts';
import type { PanelProps } from './list-panel.tsx';
import { LocationTabs } from './panels.tsx';
import { breakdownQuery } from './queries.ts';
import { useStats } from './use-stats.ts';

/** The map code (with its country outlines) loads on its own, after the numbers. */
let mapModule: Promise<ComponentType<WorldMapProps>> | null = null;
function loadMap(): Promise<ComponentType<WorldMapProps>> {
  mapModule ??= import('../map/world-map.tsx').then((m) => m.WorldMap);
  return mapModule;
}

/** A world map shaded by visitors, above the countries / regions / cities lists. */
export function LocationsPanel(props: PanelProps) {
  const [WorldMap, setWorldMap] = useState<ComponentType<WorldMapProps> | null>(null);
  useEffect(() => {
    loadMap().then(
      (component) => setWorldMap(() => component),
      () => undefined,
    );
  }, []);
  const countries = useStats(
    props.siteId,
    breakdownQuery(props.siteId, props.state, 'visit:country', { limit: 300 }),
  );
  const visitors = new Map<string, number>();
  for (const row of countries.data?.results ?? []) {
    const value = row.metrics[0];
    if (typeof value === 'number') visitors.set(row.dimensions[0] ?? '', value);
  }
  return (
    <div class="locations">
      <div class="card map-card" data-panel="map">
        {WorldMap ? (
          <WorldMap
            visitorsByCountry={visitors}
            nameOf={countryName}
            onSelect={(code) => props.onFilter('visit:country', code)}
          />
        ) : (
          <p class="muted panel-empty">Loading map…</p>
        )}
      </div>
      <LocationTabs {...props} />
    </div>
  );
}
