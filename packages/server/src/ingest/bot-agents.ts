/**
 * Agents the spec tells server-side senders to use, and the SDKs' own defaults: the filter must
 * accept every one (bot-filter.test.ts, and the SDK agreement tests, check it).
 */
export const descriptiveServerAgents = [
  'MyApp-Server/1.0',
  'Zenovay-Node/0.1.0',
  'Zenovay-Py/0.1.0',
  'Zenovay-PHP/0.1.0',
  'Acme-Billing/2.3.1',
  'ShopBackend/1.0',
  'Shop Backend 1.0',
  'BillingWorker/1.0 (Linux)',
  'EmailDigest/3.1',
  'AcmeShop-Orders/2.4 (+https://acme.example/bot-policy)',
] as const;
