/**
 * Made-up descriptive server agents, the way people name the software that sends events: brand
 * names built from random syllables (fixed seed, so the rules are reproducible), common software
 * words, versions, OS and runtime comments, contact URLs and addresses. A maintained-list pattern
 * that matches one of them describes a shape, a generic word or a contact rather than naming a
 * crawler, so it is not used on non-browser agents (bot-rules.ts).
 */
import { descriptiveServerAgents } from './bot-agents.ts';

export function descriptiveProbes(): string[] {
  const syllables = [
    'ka',
    'ro',
    'mi',
    've',
    'lu',
    'sa',
    'tor',
    'dex',
    'pli',
    'gon',
    'fa',
    'ner',
    'qui',
    'zo',
    'bel',
    'wim',
  ];
  let seed = 7;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const brand = () => {
    let name = '';
    for (let i = 0, n = 2 + Math.floor(next() * 2); i < n; i++)
      name += syllables[Math.floor(next() * syllables.length)];
    return name[0]!.toUpperCase() + name.slice(1);
  };
  const version = () => `${1 + Math.floor(next() * 9)}.${Math.floor(next() * 20)}`;
  const probes: string[] = [...descriptiveServerAgents];
  const tlds = ['com', 'io', 'org', 'net', 'dev', 'co.uk', 'example'];
  const runtimes = [
    'Node.js 20.11.1',
    'Python 3.12',
    'PHP 8.3',
    'Java 17',
    'Go 1.22',
    '.NET 8.0',
    'Ruby 3.3',
  ];
  for (let i = 0; i < 42; i++) {
    const [a, b, v] = [brand(), brand(), version()];
    const host = `${a.toLowerCase()}.${tlds[i % tlds.length]}`;
    const runtime = runtimes[i % runtimes.length]!;
    probes.push(
      `${a}/${v}`,
      `${a}${b}/${v}`,
      `${a}-${b}/${v}.${Math.floor(next() * 9)}`,
      `${a}_${b}/${v}`,
      `${a}.${b}/${v} (Windows NT 10.0; Win64; x64)`,
      `${a}/${v} (Linux)`,
      `${a}/${v} (Darwin 23.1.0; arm64)`,
      `${a}/${v} (${runtime}; linux x64)`,
      `${a}-${b}/${v} ${runtime.replace(' ', '/')}`,
      `${a} ${b}/${v}`,
      `${a} ${v}`,
      a,
      `${a} ${b}`,
      `${a}/${v} ${b}/${v}`,
      `${a}/${v}; ${b}/1.0;`,
      `${a}/${Math.floor(next() * 9)}`,
      `${a}/${v} (+https://${host}/contact)`,
      `${a}/${v} (+https://www.${host}/about/${b.toLowerCase()}.html)`,
      `${a} ${b} (https://${host})`,
      `${a}-${b}/${v} (Linux x86_64; +mailto:ops@${host})`,
      `${a}/${v} (${b.toLowerCase()}@${host})`,
    );
  }
  for (const [i, word] of softwareWords.entries()) {
    const [a, other] = [brand(), softwareWords[(i + 7) % softwareWords.length]];
    const host = `${a.toLowerCase()}.${tlds[i % tlds.length]}`;
    probes.push(
      `${a}-${word}/1.0`,
      `${a}${word}/2.3 (Linux)`,
      `${word}/1.0`,
      `${word}${other}/2.0`,
      `${word}-${other}/3.1.4`,
      `${a} ${word} 1.0`,
      `${a}-${word}/1.0 (+https://${host}/${word.toLowerCase()}-policy)`,
      // Long names without spaces are names too (enterprise service naming).
      `${a}-Enterprise-${word}-Integration-Service-${other}/10.4.2`,
    );
  }
  return probes;
}

/** Words descriptive application names are made of. */
const softwareWords = [
  'Botanic',
  'Robotics',
  'Customer',
  'Customers',
  'Azure',
  'Aws',
  'Cloud',
  'Flow',
  'Workflow',
  'Signup',
  'Time',
  'Active',
  'Rest',
  'Rank',
  'Reader',
  'Offline',
  'Insights',
  'Optimizer',
  'Preview',
  'Download',
  'Url',
  'Links',
  'Server',
  'Worker',
  'Service',
  'Email',
  'Mail',
  'Mailer',
  'Digest',
  'News',
  'Newsletter',
  'Sender',
  'Sync',
  'Backend',
  'Billing',
  'Invoice',
  'Orders',
  'Order',
  'Shop',
  'Store',
  'Checkout',
  'Cart',
  'Payments',
  'Api',
  'App',
  'Cron',
  'Job',
  'Jobs',
  'Queue',
  'Notifier',
  'Webhook',
  'Webhooks',
  'Report',
  'Reports',
  'Export',
  'Import',
  'Node',
  'Client',
  'Agent',
  'Daemon',
  'Gateway',
  'Proxy',
  'Relay',
  'Events',
  'Tracker',
  'Analytics',
  'Scheduler',
  'Batch',
  'Task',
  'Pipeline',
  'Processor',
  'Handler',
  'Lambda',
  'Function',
  'Edge',
  'Web',
  'Site',
  'Portal',
  'Admin',
  'Dashboard',
  'Core',
  'Platform',
  'Engine',
  'Hub',
  'Bridge',
  'Connector',
  'Integration',
  'Importer',
  'Exporter',
  'Uploader',
  'Mobile',
  'Desktop',
  'Kiosk',
  'Pos',
  'Crm',
  'Erp',
  'Auth',
  'Login',
  'Signup',
  'Account',
  'Users',
  'Inventory',
  'Catalog',
  'Search',
  'Media',
  'Video',
  'Images',
  'Stream',
];
