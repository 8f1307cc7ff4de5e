import { list as isbotPatterns } from 'isbot';

/**
 * The one source of bot rules: the maintained `isbot` list, minus the patterns that would refuse
 * descriptive server agents the spec recommends (e.g. `MyApp-Server/1.0`), plus the spec's own
 * rules and generic HTTP clients. Returned as regex sources so other runtimes (the SDKs) can be
 * generated from the same list.
 */

/** Agents the spec tells servers to send; no rule may refuse them. */
export const descriptiveServerAgents = [
  'MyApp-Server/1.0',
  'Zenovay-Node/0.1.0',
  'Zenovay-Py/0.1.0',
  'Zenovay-PHP/0.1.0',
  'Acme-Billing/2.3.1',
  'ShopBackend/1.0',
  'Shop Backend 1.0',
] as const;

/** The spec's examples, plus generic clients and headless browsers named by the ingest issue. */
const extraPatterns = [
  'bot',
  'crawler',
  'spider',
  'scraper',
  'curl',
  'wget',
  'python',
  'java/',
  'googlebot',
  'bingbot',
  'yandex',
  'go-http-client',
  'headless',
  'phantomjs',
  'puppeteer',
  'playwright',
  'selenium',
  'okhttp',
  'axios/',
  'node-fetch',
  '^node(?:\\.js)?(?:/|$)',
  '^undici',
  'libwww',
  'httpclient',
  'http_request',
  'postmanruntime',
  'insomnia',
  'slurp',
  'baiduspider',
  'duckduckgo',
  'facebookexternalhit',
];

export function botPatternSources(): string[] {
  const keep = isbotPatterns.filter((source) => {
    const pattern = new RegExp(source, 'i');
    return !descriptiveServerAgents.some((agent) => pattern.test(agent));
  });
  return [...new Set([...keep, ...extraPatterns])];
}
