import { engagementColumnsFor } from './engagement-columns.ts';
import { countryName } from './format.ts';
import { ListPanel, type PanelProps, type PanelTab } from './list-panel.tsx';
import { pageviewsFilter } from './queries.ts';
import { goalFilterOf } from './url-state.ts';

export function SourcesPanel(props: PanelProps) {
  return (
    <ListPanel
      {...props}
      title="Sources"
      testId="sources"
      tabs={[
        { id: 'sources', label: 'Sources', dimension: 'visit:source', heading: 'Source' },
        { id: 'channels', label: 'Channels', dimension: 'visit:channel', heading: 'Channel' },
        { id: 'utm_source', label: 'UTM source', dimension: 'visit:utm_source', heading: 'UTM source' },
        { id: 'utm_medium', label: 'UTM medium', dimension: 'visit:utm_medium', heading: 'UTM medium' },
        {
          id: 'utm_campaign',
          label: 'UTM campaign',
          dimension: 'visit:utm_campaign',
          heading: 'UTM campaign',
        },
      ]}
    />
  );
}

/**
 * Top pages are the pages viewed; with a goal filter they are the pages where the goal was
 * completed (a purchase event's page, a page goal's pages), with each page's conversion rate:
 * the goal condition picks the conversion events themselves, so "pageviews only" would leave
 * nothing of an event goal.
 */
function topPagesTab(props: PanelProps): PanelTab {
  const base = { id: 'top', label: 'Top pages', dimension: 'event:page', heading: 'Page' };
  if (goalFilterOf(props.state) !== null) return { ...base, metrics: ['visitors', 'conversion_rate'] };
  return {
    ...base,
    metrics: ['visitors', 'pageviews', ...engagementColumnsFor(props.state)],
    extraFilters: [pageviewsFilter],
  };
}

export function PagesPanel(props: PanelProps) {
  return (
    <ListPanel
      {...props}
      title="Pages"
      testId="pages"
      tabs={[
        topPagesTab(props),
        { id: 'entry', label: 'Entry pages', dimension: 'visit:entry_page', heading: 'Entry page' },
        { id: 'exit', label: 'Exit pages', dimension: 'visit:exit_page', heading: 'Exit page' },
      ]}
    />
  );
}

export function DevicesPanel(props: PanelProps) {
  return (
    <ListPanel
      {...props}
      title="Devices"
      testId="devices"
      tabs={[
        { id: 'device', label: 'Device', dimension: 'visit:device', heading: 'Device' },
        { id: 'browser', label: 'Browser', dimension: 'visit:browser', heading: 'Browser' },
        { id: 'os', label: 'OS', dimension: 'visit:os', heading: 'OS' },
      ]}
    />
  );
}

export function LocationTabs(props: PanelProps) {
  return (
    <ListPanel
      {...props}
      title="Locations"
      testId="locations"
      tabs={[
        {
          id: 'countries',
          label: 'Countries',
          dimension: 'visit:country',
          heading: 'Country',
          labelOf: countryName,
        },
        { id: 'regions', label: 'Regions', dimension: 'visit:region', heading: 'Region' },
        { id: 'cities', label: 'Cities', dimension: 'visit:city', heading: 'City' },
      ]}
    />
  );
}
