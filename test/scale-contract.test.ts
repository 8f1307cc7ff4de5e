/**
 * The shared contract suites (ingest, REST API) against the embedded default and against the full
 * scale-out mode (ClickHouse + PostgreSQL + Redis, one set of services for this file). The stats
 * engine's contract runs twice in test/stats-*.test.ts.
 */
import { describe } from 'node:test';
import { apiContract } from './contract/api-contract.ts';
import { ingestContract } from './contract/ingest-contract.ts';
import { fullScaleOut, startEmbedded } from './contract/servers.ts';

const scaleOut = fullScaleOut();

describe('ingest contract: embedded default', () => ingestContract(startEmbedded));
describe('REST API contract: embedded default', () => apiContract(startEmbedded));
describe('ingest contract: full scale-out', { skip: scaleOut.skip }, () => ingestContract(scaleOut.start));
describe('REST API contract: full scale-out', { skip: scaleOut.skip }, () => apiContract(scaleOut.start));
