import type { Feature, FeatureCollection } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries110m from 'world-atlas/countries-110m.json';
import { alpha2ByNumeric } from './iso-numeric.ts';
import { geometryPath, mapHeight, mapWidth } from './projection.ts';

interface CountryShape {
  readonly code: string;
  readonly name: string;
  readonly path: string;
}

let shapes: CountryShape[] | null = null;

/** Country outlines (Natural Earth 1:110m via world-atlas), projected once per page load. */
function countryShapes(): CountryShape[] {
  if (shapes) return shapes;
  const topology = countries110m as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const collection = feature(topology, topology.objects.countries) as FeatureCollection<
    GeoJSON.Geometry,
    { name: string }
  >;
  shapes = collection.features
    .map((country: Feature<GeoJSON.Geometry, { name: string }>) => ({
      code: country.properties.name === 'Kosovo' ? 'XK' : (alpha2ByNumeric.get(String(country.id)) ?? ''),
      name: country.properties.name,
      path: geometryPath(country.geometry),
    }))
    .filter((shape) => shape.code !== '' && shape.code !== 'AQ');
  return shapes;
}

/** Light to deep indigo on a square-root scale, so a few big countries do not wash out the rest. */
function shade(share: number): string {
  const t = Math.sqrt(Math.max(0, Math.min(1, share)));
  const from = [224, 231, 255];
  const to = [67, 56, 202];
  const mix = from.map((f, i) => Math.round(f + (to[i]! - f) * t));
  return `rgb(${mix.join(',')})`;
}

export interface WorldMapProps {
  readonly visitorsByCountry: ReadonlyMap<string, number>;
  readonly nameOf: (code: string) => string;
  readonly onSelect: (code: string) => void;
}

export function WorldMap(props: WorldMapProps) {
  const max = Math.max(1, ...props.visitorsByCountry.values());
  return (
    <svg
      class="world-map"
      viewBox={`0 0 ${mapWidth} ${mapHeight}`}
      role="img"
      aria-label="Visitors by country"
    >
      <title>Visitors by country</title>
      {countryShapes().map((shape) => {
        const visitors = props.visitorsByCountry.get(shape.code) ?? 0;
        const label = `${props.nameOf(shape.code)}: ${visitors.toLocaleString('en')} visitors`;
        return visitors > 0 ? (
          // biome-ignore lint/a11y/useSemanticElements: an SVG shape cannot be a <button>
          <path
            key={shape.code}
            d={shape.path}
            fill={shade(visitors / max)}
            class="country active"
            data-country={shape.code}
            role="button"
            tabIndex={0}
            aria-label={label}
            onClick={() => props.onSelect(shape.code)}
            onKeyDown={(event) => event.key === 'Enter' && props.onSelect(shape.code)}
          >
            <title>{label}</title>
          </path>
        ) : (
          <path key={shape.code} d={shape.path} fill="#eef0f4" class="country" data-country={shape.code}>
            <title>{label}</title>
          </path>
        );
      })}
    </svg>
  );
}
