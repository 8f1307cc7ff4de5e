import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors.ts';
import type { ApiRouteContext } from '../context.ts';
import { type ExportFormat, exportContentTypes, exportFormats, openEventExport } from '../event-export.ts';
import { exportRangeErrors } from '../export-range.ts';
import { errorResponses, isoDate, siteIdParams } from '../schemas.ts';
import { siteForKey } from '../site-access.ts';

interface ExportQuery {
  from: string;
  to: string;
  format: ExportFormat;
}

const exportQuery = {
  type: 'object',
  required: ['from', 'to'],
  additionalProperties: false,
  properties: {
    from: { ...isoDate, description: 'First day, inclusive, in the website’s time zone.' },
    to: { ...isoDate, description: 'Last day, inclusive, in the website’s time zone.' },
    format: { type: 'string', enum: exportFormats, default: 'ndjson' },
  },
} as const;

/**
 * `GET /export/{id}?from&to&format`: the website's raw events as a file, streamed (not enveloped:
 * it is a download). The row count is in `X-Export-Rows` before the first byte.
 */
export function registerExportRoute(app: FastifyInstance, context: ApiRouteContext): void {
  app.get<{ Params: { id: string }; Querystring: ExportQuery }>(
    '/export/:id',
    {
      schema: {
        summary: 'Download raw events as CSV or NDJSON',
        tags: ['export'],
        params: siteIdParams,
        querystring: exportQuery,
        response: {
          200: {
            description:
              "One event per row/line; columns: ts, event_type, event_name, …, props, event_id. In CSV every value is quoted and one starting with =, +, -, @, tab, CR or LF gets a leading ' so spreadsheets show it as text (NDJSON is exact).",
            headers: { 'X-Export-Rows': { type: 'integer', description: 'Rows in the file' } },
            content: {
              'text/csv': { schema: { type: 'string' } },
              'application/x-ndjson': { schema: { type: 'string' } },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { from, to, format } = request.query;
      const rangeErrors = exportRangeErrors(from, to);
      if (rangeErrors.length > 0) throw new ApiError('VALIDATION_ERROR', rangeErrors);
      const site = await siteForKey(context.metadata, request.zvApiKey!, request.params.id);
      const exported = await openEventExport(context.events, site, { from, to, format });
      return reply
        .header('Content-Type', exportContentTypes[format])
        .header('Content-Disposition', `attachment; filename="events-${from}-${to}.${format}"`)
        .header('X-Export-Rows', String(exported.rows))
        .header('Cache-Control', 'no-store')
        .send(exported.stream);
    },
  );
}
