import type { Geometry, Position } from 'geojson';

/** Natural Earth I (Šavrič et al.), the polynomial d3's geoNaturalEarth1 uses; radians in, unit plane out. */
export function naturalEarth(lambda: number, phi: number): [number, number] {
  const phi2 = phi * phi;
  const phi4 = phi2 * phi2;
  return [
    lambda * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4))),
    phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4))),
  ];
}

export const mapWidth = 960;
export const mapHeight = 470;
const scale = mapWidth / (2 * 0.8707 * Math.PI);
const radians = Math.PI / 180;

function point([lon = 0, lat = 0]: Position): string {
  const [x, y] = naturalEarth(lon * radians, lat * radians);
  return `${(mapWidth / 2 + x * scale).toFixed(1)},${(mapHeight / 2 - y * scale + 40).toFixed(1)}`;
}

/** One ring as SVG path commands; a jump across the antimeridian starts a new subpath, not a line. */
function ringPath(ring: Position[]): string {
  let path = '';
  let previousLon: number | null = null;
  for (const position of ring) {
    const lon = position[0] ?? 0;
    const jump = previousLon !== null && Math.abs(lon - previousLon) > 180;
    path += `${previousLon === null || jump ? 'M' : 'L'}${point(position)}`;
    previousLon = lon;
  }
  return `${path}Z`;
}

/** SVG path data of a country's (multi)polygon. */
export function geometryPath(geometry: Geometry | null): string {
  if (!geometry) return '';
  if (geometry.type === 'Polygon') return geometry.coordinates.map(ringPath).join('');
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flatMap((p) => p.map(ringPath)).join('');
  return '';
}
