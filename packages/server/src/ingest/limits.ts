/** Size caps on what a sender may put in one event; each one is named in the refusal it causes. */
export const eventLimits = {
  sessionIdMin: 8,
  sessionIdMax: 256,
  visitorIdMin: 8,
  visitorIdMax: 256,
  urlMax: 2_048,
  referrerMax: 2_048,
  /** device_type, browser, os */
  shortFieldMax: 100,
  userAgentMax: 1_024,
  eventNameMax: 200,
  eventIdMax: 128,
  userIdMax: 256,
  propertiesMaxKeys: 50,
  propertyKeyMax: 100,
  propertyValueMax: 1_000,
} as const;
