import type { Site } from '../store/types.ts';

/** A site as the REST API and the dashboard API both show it: snake_case fields, nothing internal. */
export function siteJson(site: Site) {
  return {
    id: site.id,
    domain: site.domain,
    name: site.name,
    tracking_code: site.trackingCode,
    timezone: site.timezone,
    created_at: site.createdAt,
  };
}
