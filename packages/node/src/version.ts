/** The package version; a test keeps it equal to package.json so the default user agent is honest. */
export const sdkVersion = '0.1.0';
