/**
 * The two curl examples of the server-side tracking spec (spec/server-side-tracking.txt), verbatim:
 * what the documented contract promises must keep working exactly as written there.
 */
export const curlPurchase = {
  event_type: 'custom',
  event_name: 'purchase',
  url: 'https://example.com/checkout/success',
  referrer: 'https://example.com/cart',
  session_id: 'srv-9f2a7c41bd',
  device_type: 'server',
  browser: 'server',
  os: 'Linux',
  user_agent: 'MyApp-Server/1.0',
  properties: { order_id: 'ORD-12345', value: 99.99, currency: 'USD' },
};

export const curlPageview = {
  event_type: 'pageview',
  url: 'https://example.com/products/widget',
  referrer: 'https://google.com/search',
  session_id: 'srv-9f2a7c41bd',
  device_type: 'server',
  browser: 'server',
  os: 'Linux',
  user_agent: 'MyApp-Server/1.0',
};
