/**
 * Goals as SQL: each goal is a condition over one event row (`e.`), so every goal reports the
 * whole history of the site, and funnels reuse the same conditions for their steps. Values are
 * bound parameters; page patterns become anchored regular expressions from escaped literal parts
 * (RE2 in both engines: linear time whatever the pattern).
 */
import { isLiteralPattern, pagePatternRegex } from '../goals/page-pattern.ts';
import type { Goal } from '../goals/types.ts';
import type { SqlDialect } from './dialect.ts';
import type { SqlParams } from './sql-params.ts';

/** The event columns the conditions of these goals read (properties only when a goal matches some). */
export function goalColumns(goals: readonly Goal[]): string[] {
  const columns = ['event_type', 'event_name', 'pathname'];
  if (goals.some((goal) => goal.properties.length > 0)) columns.push('prop_keys', 'prop_values');
  return columns;
}

export function goalCondition(goal: Goal, d: SqlDialect, params: SqlParams): string {
  if (goal.kind === 'page') {
    const path = goal.pagePath ?? '';
    const test = isLiteralPattern(path)
      ? `e.pathname = ${params.bind(path, 'string')}`
      : `${prefixTest(path, params)}${d.regexMatch('e.pathname', pagePatternRegex(path))}`;
    return `(e.event_type = 'pageview' AND ${test})`;
  }
  const parts = [
    "e.event_type <> 'pageview'",
    `e.event_name = ${params.bind(goal.eventName ?? '', 'string')}`,
    ...goal.properties.map(
      (match) =>
        `coalesce(${d.propValue(params.bind(match.key, 'string'))}, '') = ${params.bind(match.value, 'string')}`,
    ),
  ];
  return `(${parts.join(' AND ')})`;
}

/**
 * A cheap LIKE on the pattern's literal start before the regular expression, so most pageviews
 * are ruled out without running it. Left out when the prefix holds LIKE's own wildcards (the two
 * engines escape them differently).
 */
function prefixTest(pattern: string, params: SqlParams): string {
  const prefix = pattern.slice(0, pattern.indexOf('*'));
  if (prefix.length < 2 || /[%_\\]/.test(prefix)) return '';
  return `e.pathname LIKE ${params.bind(`${prefix}%`, 'string')} AND `;
}

/** True when any of the goals matches the event (false for none). */
export function anyGoalCondition(goals: readonly Goal[], d: SqlDialect, params: SqlParams): string {
  if (goals.length === 0) return d.falseLiteral;
  return `(${goals.map((goal) => goalCondition(goal, d, params)).join(' OR ')})`;
}

/** The goals a filter value names: `is` by exact name, `contains` by case-insensitive substring. */
export function goalsNamed(
  goals: readonly Goal[],
  op: 'is' | 'is_not' | 'contains' | 'contains_not',
  values: readonly string[],
): Goal[] {
  if (op === 'is' || op === 'is_not') return goals.filter((goal) => values.includes(goal.name));
  const needles = values.map((value) => value.toLowerCase());
  return goals.filter((goal) => needles.some((needle) => goal.name.toLowerCase().includes(needle)));
}
