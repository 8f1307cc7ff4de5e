/**
 * What each dimension means in SQL. Event dimensions read the event row (`e.`); visit dimensions
 * read the visit row (`s.`), computed once per session from its first / last events. A filter on
 * a dimension compares the same expression a breakdown displays, so clicking a row filters by it.
 */
import type { Goal } from '../goals/types.ts';
import { offsetSegments } from './date-range.ts';
import type { SqlDialect } from './dialect.ts';
import { anyGoalCondition, goalColumns, goalCondition, goalsNamed } from './goal-conditions.ts';
import { channelSql, type EntryFields, sourceSql } from './sources.ts';
import type { SqlParams } from './sql-params.ts';
import {
  type Dimension,
  type Filter,
  type LeafFilter,
  propDimensionPrefix,
  type ResolvedRange,
  type StatsQuery,
  type TimeDimension,
} from './types.ts';

/**
 * Where a behavioural filter's subquery reads the scanned events: the compiler knows that table
 * only once every filter is written, so it replaces this marker in the finished statement.
 */
export const eventsTableMarker = '\u0001zv_events\u0001';

/** Shown for a missing property or an empty value, and matched by filters the same way. */
export const noneLabel = '(none)';

/** Raw per-visit aggregates over the visit's events in range, by name. */
export type SessionField =
  | 'visitor'
  | 'entry_page'
  | 'exit_page'
  | 'exit_hostname'
  | 'ref_host'
  | 'entry_referrer'
  | 'entry_hostname'
  | 'entry_query'
  | 'entry_utm_source'
  | 'entry_utm_medium'
  | 'entry_utm_campaign'
  | 'entry_utm_term'
  | 'entry_utm_content'
  | 'country'
  | 'region'
  | 'city'
  | 'device_type'
  | 'browser'
  | 'os'
  | 'pageviews'
  | 'customs'
  | 'quiet_customs'
  | 'first_ms'
  | 'last_ms';

export function sessionFieldSql(d: SqlDialect, field: SessionField): string {
  const isPageview = "event_type = 'pageview'";
  switch (field) {
    case 'visitor':
      return d.anyValue('visitor_id');
    case 'entry_page':
      return d.argMinIf('pathname', 'ts', isPageview);
    case 'exit_page':
      return d.argMaxIf('pathname', 'ts', isPageview);
    case 'exit_hostname':
      return d.argMaxIf('hostname', 'ts', isPageview);
    case 'ref_host':
      return d.argMin('referrer_host', 'ts');
    case 'entry_hostname':
      return d.argMin('hostname', 'ts');
    case 'entry_query':
      return d.argMin('query', 'ts');
    case 'pageviews':
      return d.countIf(isPageview);
    case 'customs':
      return d.countIf(`NOT (${isPageview})`);
    case 'quiet_customs':
      // Custom events sent with `interactive: false`: they do not end a bounce.
      return d.countIf(`NOT (${isPageview}) AND NOT interactive`);
    case 'first_ms':
      return `min(${d.epochMs('ts')})`;
    case 'last_ms':
      return `max(${d.epochMs('ts')})`;
    default:
      throw new Error(`${field} is an entry field`);
  }
}

/** Visit dimensions whose fields the write-time visit rollups do not keep (full referrer, exit host). */
const notInVisitRollup: ReadonlySet<string> = new Set(['visit:referrer', 'visit:exit_page_hostname']);

function filterNames(filter: Filter): string[] {
  if ('dimension' in filter) return [filter.dimension];
  if ('filter' in filter) return filterNames(filter.filter);
  return filter.filters.flatMap(filterNames);
}

/** Whether a question needs its visits rebuilt from events because a rollup lacks a field it reads. */
export function needsVisitsFromEvents(
  queries: readonly Pick<StatsQuery, 'dimensions' | 'filters'>[],
): boolean {
  return queries.some(
    (query) =>
      query.dimensions.some((d) => notInVisitRollup.has(d)) ||
      query.filters.flatMap(filterNames).some((d) => notInVisitRollup.has(d)),
  );
}

/** Fields read from the visit's first event, gathered into one arg-min of a record (cheaper than one each). */
export const entryFieldColumn: Partial<Record<SessionField, string>> = {
  ref_host: 'referrer_host',
  entry_hostname: 'hostname',
  entry_query: 'query',
  entry_utm_source: 'utm_source',
  entry_utm_medium: 'utm_medium',
  entry_utm_campaign: 'utm_campaign',
  entry_utm_term: 'utm_term',
  entry_utm_content: 'utm_content',
  country: 'country',
  region: 'region',
  city: 'city',
  device_type: 'device_type',
  browser: 'browser',
  os: 'os',
  entry_referrer: 'referrer',
};

/** Every entry field's name, in a fixed order (a dialect without named records indexes by it). */
export const entryFieldNames: readonly string[] = Object.keys(entryFieldColumn);

/** The entry fields a visit's source and channel are computed from (see sources.ts). */
export const sourceInputFields: readonly string[] = [
  'ref_host',
  'entry_utm_source',
  'entry_utm_medium',
  'entry_hostname',
  'entry_query',
];

export interface FieldOptions {
  /**
   * Entry fields are plain columns of `raw` (named as the field) rather than members of the
   * `raw.entry` record: the visits are then built by joinedVisitsSql (compile.ts).
   */
  readonly entryColumns?: boolean;
  /** The site's goals, for `event:goal` dimensions and filters. */
  readonly goals?: readonly Goal[];
  /**
   * Visits are read from the write-time rollup (rollup-visits.ts), not rebuilt from the scanned
   * events: visit fields add no columns to the events scan, entry fields are plain columns.
   */
  readonly visitsFromRollup?: boolean;
}

/** Event columns an aggregate session field reads (entry fields read their own column). */
function sessionFieldColumns(field: SessionField): string[] {
  switch (field) {
    case 'entry_page':
    case 'exit_page':
      return ['pathname', 'event_type'];
    case 'exit_hostname':
      return ['hostname', 'event_type'];
    case 'pageviews':
    case 'customs':
      return ['event_type'];
    case 'quiet_customs':
      return ['event_type', 'interactive'];
    case 'visitor':
      return ['visitor_id'];
    default:
      return [];
  }
}

/** Collects what a compiled query needs: scanned columns, visit fields, bound parameters. */
export class FieldContext {
  readonly eventColumns = new Set<string>(['ts', 'session_id', 'visitor_id', 'event_type']);
  readonly sessionFields = new Map<SessionField, string>();
  /** Entry fields by name -> event column, aggregated together as `raw.entry`. */
  readonly entryRecord = new Map<string, string>();
  /** Visit-level expressions over the session fields, by output name (`v_source`, …). */
  readonly visitExprs = new Map<string, string>();
  /** Names of the visit expressions that read only `sourceInputFields` and `raw.src` (source, channel). */
  readonly sourceVisitNames = new Set<string>();

  constructor(
    readonly d: SqlDialect,
    readonly params: SqlParams,
    private readonly timezone: string,
    private readonly range: ResolvedRange,
    private readonly options: FieldOptions = {},
  ) {}

  private field(name: SessionField): string {
    const entryColumn = entryFieldColumn[name];
    const fromRollup = this.options.visitsFromRollup === true;
    if (entryColumn) {
      this.entryRecord.set(name, entryColumn);
      if (!fromRollup) this.eventColumns.add(entryColumn);
      return this.options.entryColumns || fromRollup ? `raw.${name}` : this.d.recordField('raw.entry', name);
    }
    if (!this.sessionFields.has(name)) {
      this.sessionFields.set(name, sessionFieldSql(this.d, name));
      if (!fromRollup) for (const column of sessionFieldColumns(name)) this.eventColumns.add(column);
    }
    return `raw.${name}`;
  }

  private visit(name: string, build: () => string): string {
    if (!this.visitExprs.has(name)) this.visitExprs.set(name, build());
    return `s.${name}`;
  }

  private event(column: string): string {
    this.eventColumns.add(column);
    return `e.${column}`;
  }

  private noneIfEmpty(expr: string): string {
    return `coalesce(nullif(${expr}, ''), ${this.d.stringLiteral(noneLabel)})`;
  }

  /** SQL of the visit's source name, computed once per visit in a layer of its own (`raw.src`). */
  sourceLayer: string | null = null;

  private source(): string {
    this.sourceLayer ??= sourceSql(this.d, this.entryFields());
    return 'raw.src';
  }

  private entryFields(): EntryFields {
    return {
      referrerHost: this.field('ref_host'),
      utmSource: this.field('entry_utm_source'),
      utmMedium: this.field('entry_utm_medium'),
      hostname: this.field('entry_hostname'),
      query: this.field('entry_query'),
    };
  }

  /** The zone's offset at each event's time, in ms: one constant, or a CASE over the DST changes in range. */
  private offsetSql(): string {
    const segments = offsetSegments(this.range.startMs, this.range.endMs, this.timezone);
    const last = segments[segments.length - 1]!;
    if (segments.length === 1) return this.params.bind(last.offsetMs, 'int');
    const whens = segments
      .slice(0, -1)
      .map(
        (s) =>
          `WHEN e.ts < ${this.d.timestampFromMs(this.params.bind(s.untilMs ?? 0, 'int'))} THEN ${this.params.bind(s.offsetMs, 'int')}`,
      );
    return `(CASE ${whens.join(' ')} ELSE ${this.params.bind(last.offsetMs, 'int')} END)`;
  }

  /** The site's goals (empty when the query names none). */
  get goals(): readonly Goal[] {
    return this.options.goals ?? [];
  }

  /** A goal's condition over the event row, reading the columns it needs. */
  goalCondition(goal: Goal): string {
    for (const column of goalColumns([goal])) this.eventColumns.add(column);
    return goalCondition(goal, this.d, this.params);
  }

  /** True when the event matches any of these goals. */
  anyGoal(goals: readonly Goal[]): string {
    for (const column of goalColumns(goals)) this.eventColumns.add(column);
    return anyGoalCondition(goals, this.d, this.params);
  }

  /** Whether a dimension is a property of the visit rather than of each event. */
  static isVisitDimension(dimension: Dimension): boolean {
    return dimension.startsWith('visit:');
  }

  /** SQL for a dimension's displayed value, never NULL. */
  dimension(dimension: Dimension): string {
    if (dimension.startsWith('time:')) {
      const bucket = (dimension as TimeDimension).slice('time:'.length) as 'hour' | 'day' | 'week' | 'month';
      return this.d.timeBucket(this.d.addMs('e.ts', this.offsetSql()), bucket);
    }
    if (dimension.startsWith(propDimensionPrefix)) {
      const key = this.params.bind(dimension.slice(propDimensionPrefix.length), 'string');
      this.eventColumns.add('prop_keys');
      this.eventColumns.add('prop_values');
      return `coalesce(${this.d.propValue(key)}, ${this.d.stringLiteral(noneLabel)})`;
    }
    switch (dimension) {
      case 'event:goal':
        // One row per goal the event matches (an event may complete several goals).
        for (const column of goalColumns(this.goals)) this.eventColumns.add(column);
        return this.d.matchingLabels(
          this.goals.map((goal) => [
            goalCondition(goal, this.d, this.params),
            this.params.bind(goal.name, 'string'),
          ]),
        );
      case 'event:page':
        return this.event('pathname');
      case 'event:name':
        return this.event('event_name');
      case 'event:hostname':
        return this.noneIfEmpty(this.event('hostname'));
      case 'visit:entry_page':
        return this.visit('v_entry_page', () => this.noneIfEmpty(this.field('entry_page')));
      case 'visit:exit_page':
        return this.visit('v_exit_page', () => this.noneIfEmpty(this.field('exit_page')));
      case 'visit:referrer':
        return this.visit('v_referrer', () => this.noneIfEmpty(this.referrer()));
      case 'visit:exit_page_hostname':
        return this.visit('v_exit_hostname', () => this.noneIfEmpty(this.field('exit_hostname')));
      case 'visit:entry_page_hostname':
        return this.visit('v_entry_hostname', () => this.noneIfEmpty(this.field('entry_hostname')));
      case 'visit:source':
        this.sourceVisitNames.add('v_source');
        return this.visit('v_source', () => this.source());
      case 'visit:channel':
        this.sourceVisitNames.add('v_channel');
        return this.visit('v_channel', () => channelSql(this.d, this.entryFields(), this.source()));
      case 'visit:device':
        return this.visit('v_device', () => this.noneIfEmpty(this.field('device_type')));
      default: {
        const name = dimension.slice('visit:'.length) as SessionField;
        const field = name.startsWith('utm_') ? (`entry_${name}` as SessionField) : name;
        return this.visit(`v_${name}`, () => this.noneIfEmpty(this.field(field)));
      }
    }
  }

  /**
   * The entry referrer as Plausible writes it: its host without `www.` (referrer_host) and its
   * path without trailing slashes, no scheme, query or fragment (`news.ycombinator.com/item`).
   */
  private referrer(): string {
    const path = this.d.regexExtract(
      this.field('entry_referrer'),
      '^[^:/?#]+://[^/?#]*(/[^?#]*?)/*(?:[?#].*)?$',
    );
    return `concat(${this.field('ref_host')}, ${path})`;
  }

  /** Per-visit visitor and counts, for questions answered from visit rows alone. */
  visitTotals(): { visitor: string; pageviews: string; events: string } {
    return {
      visitor: this.visit('v_visitor', () => this.field('visitor')),
      pageviews: this.visit('v_pageviews', () => this.field('pageviews')),
      events: this.visit('v_events', () => `(${this.field('pageviews')} + ${this.field('customs')})`),
    };
  }

  /**
   * Visit flags the bounce and duration metrics read. A bounce is a visit of one pageview and no
   * interactive custom event: custom events sent with `interactive: false` (Plausible's flag) do
   * not end it, while counting as events everywhere else.
   */
  bounceAndDuration(): { bounce: string; duration: string } {
    return {
      bounce: this.visit(
        'v_is_bounce',
        () =>
          `(${this.field('pageviews')} = 1 AND ${this.field('customs')} = ${this.field('quiet_customs')})`,
      ),
      // The visit's first and last event; `v_duration` is added over them by
      // stats/engagement.ts `withEngagementEnd`, which extends the end to the last engaged moment.
      duration: this.durationOfVisit(),
    };
  }

  private durationOfVisit(): string {
    this.visit('v_first_ms', () => this.field('first_ms'));
    this.visit('v_last_ms', () => this.field('last_ms'));
    return 's.v_duration';
  }

  /** SQL condition for a filter tree. Values are bound parameters; contains is case-insensitive. */
  filter(filter: Filter): string {
    switch (filter.op) {
      case 'and':
      case 'or': {
        if (filter.filters.length === 0)
          return filter.op === 'and' ? this.d.trueLiteral : this.d.falseLiteral;
        return `(${filter.filters.map((f) => this.filter(f)).join(` ${filter.op.toUpperCase()} `)})`;
      }
      case 'not':
        return `(NOT ${this.filter(filter.filter)})`;
      case 'has_done':
      case 'has_not_done': {
        // The visits with (without) an event matching the inner filter, over the same scanned
        // events (`eventsTableMarker`, which compile.ts replaces by the events table); the inner
        // `e` is the subquery's own (validate.ts allows only event fields inside).
        const negation = filter.op === 'has_not_done' ? 'NOT ' : '';
        return `(e.session_id ${negation}IN (SELECT e.session_id FROM ${eventsTableMarker} e WHERE ${this.filter(filter.filter)}))`;
      }
      default:
        return this.leaf(filter);
    }
  }

  private leaf(filter: LeafFilter): string {
    const positive = filter.op === 'is' || filter.op === 'contains' || filter.op === 'matches';
    if (filter.dimension === 'event:goal') {
      // validate.ts refuses matches on goals: goal names are matched in JS, not in SQL.
      const op = filter.op === 'matches' || filter.op === 'matches_not' ? 'is' : filter.op;
      const test = this.anyGoal(goalsNamed(this.goals, op, filter.values));
      return positive ? test : `(NOT ${test})`;
    }
    const expr = this.dimension(filter.dimension);
    const test = this.leafTest(filter, expr);
    if (positive) return `(${test})`;
    if (filter.negationNeedsProperty && filter.dimension.startsWith(propDimensionPrefix)) {
      const key = this.params.bind(filter.dimension.slice(propDimensionPrefix.length), 'string');
      return `(${this.d.propValue(key)} IS NOT NULL AND NOT (${test}))`;
    }
    return `(NOT (${test}))`;
  }

  /** The positive test of a leaf over the dimension's displayed value. */
  private leafTest(filter: LeafFilter, expr: string): string {
    const exact = filter.op === 'is' || filter.op === 'is_not';
    const pattern = filter.op === 'matches' || filter.op === 'matches_not';
    // Each operator's default when the query does not say (the v1 API's answers, unchanged).
    const caseSensitive = filter.caseSensitive ?? !(filter.op === 'contains' || filter.op === 'contains_not');
    if (exact) {
      const values = filter.values.map((v) =>
        this.params.bind(caseSensitive ? v : v.toLowerCase(), 'string'),
      );
      return `${caseSensitive ? expr : this.d.lower(expr)} IN (${values.join(', ')})`;
    }
    if (!pattern && !caseSensitive) {
      const values = filter.values.map((v) => this.params.bind(v, 'string'));
      return values.map((v) => this.d.containsInsensitive(expr, v)).join(' OR ');
    }
    // Regular expressions run in RE2 on both engines (DuckDB regexp_matches, ClickHouse match):
    // linear time whatever the pattern, so no pattern can backtrack catastrophically. The pattern
    // is a constant (ClickHouse needs one), written as an escaped string literal.
    return filter.values
      .map((v) => {
        const source = pattern ? v : escapeRegex(v);
        return this.d.regexMatch(expr, caseSensitive ? source : `(?i)${source}`);
      })
      .join(' OR ');
  }

  /** True once a visit-level expression has been requested: the query must build visits. */
  get needsSessions(): boolean {
    return this.visitExprs.size > 0;
  }
}

/** A literal text as an RE2 pattern that matches it anywhere (case-sensitive contains). */
function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}
