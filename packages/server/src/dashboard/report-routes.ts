import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.ts';
import { roleAtLeast } from '../members/types.ts';
import { mailProblem } from '../reports/mail-config.ts';
import { ReportInputError } from '../reports/report-service.ts';
import type { ReportSubscription } from '../reports/types.ts';
import { bodyObject, invalid } from './body.ts';
import type { DashboardDeps } from './deps.ts';
import { setDashboardSecurityHeaders } from './security-headers.ts';
import { accessForRole } from './site-access.ts';

function reportJson(report: ReportSubscription) {
  return { id: report.id, email: report.email, frequency: report.frequency, created_at: report.createdAt };
}

/**
 * Email reports of a site: every member may subscribe their own address (opt in) and stop it;
 * owners also add and remove any address. Without mail settings nothing is sent, and the answer
 * says why, for the settings page to show.
 */
export function registerReportRoutes(scope: FastifyInstance, deps: DashboardDeps): void {
  scope.get('/sites/:id/reports', async (request) => {
    const { site, role } = await accessForRole(deps, request, 'viewer');
    const mine = (report: ReportSubscription) => report.email === request.zvUser!.email;
    const reports = (await deps.reports.service.list(site.id)).filter(
      (report) => roleAtLeast(role, 'owner') || mine(report),
    );
    const problem = mailProblem(deps.config.mail);
    return { mail: { configured: problem === null, problem }, reports: reports.map(reportJson) };
  });

  scope.post('/sites/:id/reports', async (request, reply) => {
    const { site, role } = await accessForRole(deps, request, 'viewer');
    const body = bodyObject(request.body);
    const email = body.email ?? request.zvUser!.email;
    if (!roleAtLeast(role, 'owner') && String(email).trim().toLowerCase() !== request.zvUser!.email)
      throw new ApiError('ROLE_FORBIDDEN');
    try {
      const report = await deps.reports.service.subscribe(site.id, { email, frequency: body.frequency });
      return reply.code(201).send({ report: reportJson(report) });
    } catch (error) {
      if (error instanceof ReportInputError) throw invalid(error.field, error.message);
      throw error;
    }
  });

  scope.delete('/sites/:id/reports/:reportId', async (request) => {
    const { site, role } = await accessForRole(deps, request, 'viewer');
    const { reportId } = request.params as { reportId: string };
    const report = (await deps.reports.service.list(site.id)).find((item) => item.id === reportId);
    if (!report) throw new ApiError('NOT_FOUND');
    if (!roleAtLeast(role, 'owner') && report.email !== request.zvUser!.email)
      throw new ApiError('ROLE_FORBIDDEN');
    await deps.reports.service.remove(site.id, reportId);
    return { removed: true };
  });
}

const page = (title: string, sentence: string) => `<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<body><main><h1>${title}</h1><p>${sentence}</p></main></body></html>`;

/**
 * The unsubscribe link of every report mail (`/reports/unsubscribe/<token>`): works without
 * signing in. Answers the same page whether or not the token still stopped something, so a link
 * clicked twice (or prefetched by a mail program) reads the same.
 */
export function registerUnsubscribeRoute(app: FastifyInstance, deps: DashboardDeps): void {
  app.get<{ Params: { token: string } }>('/reports/unsubscribe/:token', async (request, reply) => {
    await deps.reports.service.unsubscribe(request.params.token);
    setDashboardSecurityHeaders(reply);
    reply.header('Cache-Control', 'no-store');
    return reply
      .type('text/html; charset=utf-8')
      .send(page('Unsubscribed', 'You will not get this report any more. Nothing else was changed.'));
  });
}
