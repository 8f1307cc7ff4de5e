import type { ReportSubscription } from './types.ts';

export function subscriptionFromRow(row: Record<string, unknown>): ReportSubscription {
  return {
    id: String(row.id),
    siteId: String(row.site_id),
    email: String(row.email),
    frequency: row.frequency === 'monthly' ? 'monthly' : 'weekly',
    unsubscribeToken: String(row.unsubscribe_token),
    createdAt: String(row.created_at),
  };
}
