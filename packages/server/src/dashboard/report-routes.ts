import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ApiError, type ErrorCode, errorRegistry } from '../errors.ts';
import { roleAtLeast } from '../members/types.ts';
import { mailProblem } from '../reports/mail-config.ts';
import { escapeHtml } from '../reports/render.ts';
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

/** What RFC 8058 one-click POSTs send, and what the page's button sends too. */
const oneClickField = 'List-Unsubscribe';
const oneClickValue = 'One-Click';
/** An unsubscribe POST is one short field; anything longer is refused unread. */
const maxUnsubscribeBodyBytes = 4096;

interface UnsubscribePage {
  readonly status: number;
  readonly title: string;
  readonly sentence: string;
  /** A refusal's stable code (errors.ts), shown under the sentence. */
  readonly code?: ErrorCode;
  /** The button that POSTs `List-Unsubscribe=One-Click` to the page's own URL. */
  readonly button?: string;
}

/** Every text is escaped; the form posts to the page's own URL, so no token is written out. */
function renderPage(page: UnsubscribePage): string {
  const form = page.button
    ? `<form method="post"><input type="hidden" name="${oneClickField}" value="${oneClickValue}"><button type="submit">${escapeHtml(page.button)}</button></form>`
    : '';
  const code = page.code ? `<p><small>${escapeHtml(page.code)}</small></p>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(page.title)}</title></head>
<body><main><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.sentence)}</p>${form}${code}</main></body></html>`;
}

function sendPage(reply: FastifyReply, page: UnsubscribePage): FastifyReply {
  setDashboardSecurityHeaders(reply);
  reply.header('Cache-Control', 'no-store');
  // The URL holds the token: never sent on to anyone.
  reply.header('Referrer-Policy', 'no-referrer');
  return reply.code(page.status).type('text/html; charset=utf-8').send(renderPage(page));
}

/** Malformed, used and never-made tokens all get this one page, on GET and POST alike (no oracle). */
const linkInvalid: UnsubscribePage = {
  status: 404,
  title: 'This link does not stop a report',
  sentence:
    'This unsubscribe link stops no report: it was used already, the report was removed, or the link is incomplete. Nothing was changed.',
  code: 'NOT_FOUND',
};

function refusal(code: ErrorCode, sentence: string = errorRegistry[code].message): UnsubscribePage {
  return { status: errorRegistry[code].status, title: 'Nothing was changed', sentence, code };
}

/**
 * The page's name of a report: "the weekly report of Shop & Co" (escaped when rendered). Never
 * fails: after an unsubscribe the page must say it happened, even if the site list cannot be read.
 */
async function reportName(deps: DashboardDeps, subscription: ReportSubscription): Promise<string> {
  const sites = await deps.metadata.listSites().catch(() => []);
  const site = sites.find((item) => item.id === subscription.siteId);
  return `the ${subscription.frequency} report of ${site?.name ?? 'a site'}`;
}

/** The body's `List-Unsubscribe` field is `One-Click`, as urlencoded or multipart/form-data. */
export function isOneClickBody(mediaType: string, body: string): boolean {
  if (mediaType === 'application/x-www-form-urlencoded')
    return new URLSearchParams(body).getAll(oneClickField).includes(oneClickValue);
  // multipart/form-data: a part named List-Unsubscribe whose value is One-Click. Read by lines,
  // leniently about the boundary (RFC 8058's own example gets it wrong), strictly about the part.
  const lines = body.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const [head = '', ...params] = (lines[i] ?? '').split(';');
    if (!/^content-disposition:\s*form-data\s*$/i.test(head)) continue;
    if (!params.some((param) => /^\s*name\s*=\s*"?List-Unsubscribe"?\s*$/.test(param))) continue;
    let blank = i + 1;
    while (blank < lines.length && lines[blank] !== '') blank += 1;
    if (lines[blank + 1]?.trim() === oneClickValue) return true;
  }
  return false;
}

const formTypes = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/**
 * The unsubscribe link of every report mail (`/reports/unsubscribe/<token>`), without signing in.
 * A GET changes nothing (mail programs and scanners open links on their own): it shows a page
 * whose button POSTs. A POST with `List-Unsubscribe=One-Click` (the button's, or a mail
 * program's RFC 8058 one-click) stops the report at once. Any token that stops nothing gets one
 * page, whether malformed, used or never made. The token is the only credential: 256 random bits,
 * for one report; no cookie or session is read, so no CSRF token is needed.
 */
export function registerUnsubscribeRoute(app: FastifyInstance, deps: DashboardDeps): void {
  app.register(async (scope) => {
    // This route's own bodies: form fields, whatever the rest of the app parses.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'string', bodyLimit: maxUnsubscribeBodyBytes },
      (_request, body, done) => done(null, body),
    );
    scope.setErrorHandler((error: FastifyError, _request, reply) => {
      const status = error.statusCode ?? 500;
      if (status === 413) return sendPage(reply, refusal('PAYLOAD_TOO_LARGE'));
      if (status >= 400 && status < 500) return sendPage(reply, refusal('MALFORMED_REQUEST'));
      deps.log.error('unsubscribe failed', { error: error.message });
      return sendPage(
        reply,
        refusal(
          'INTERNAL_ERROR',
          'Something went wrong on our side; nothing was changed. Try the link again later.',
        ),
      );
    });

    // A wildcard, not `:token`: a path of any length or depth under here is a token that stops
    // nothing and gets the one page (a parameter over the router's length limit would be a JSON 404).
    const path = '/reports/unsubscribe/*';
    type TokenParams = { Params: { '*': string } };

    scope.get<TokenParams>(path, async (request, reply) => {
      const subscription = await deps.reports.service.subscriptionOfToken(request.params['*']);
      if (!subscription) return sendPage(reply, linkInvalid);
      return sendPage(reply, {
        status: 200,
        title: 'Stop this report?',
        sentence: `Press the button to stop ${await reportName(deps, subscription)} to this address. Nothing changes until you do.`,
        button: 'Stop this report',
      });
    });

    scope.post<TokenParams>(path, async (request, reply) => {
      const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!formTypes.includes(mediaType))
        return sendPage(
          reply,
          refusal(
            'UNSUPPORTED_MEDIA_TYPE',
            'Send List-Unsubscribe=One-Click as application/x-www-form-urlencoded or multipart/form-data (RFC 8058).',
          ),
        );
      if (!isOneClickBody(mediaType, typeof request.body === 'string' ? request.body : ''))
        return sendPage(
          reply,
          refusal(
            'VALIDATION_ERROR',
            'The body must be List-Unsubscribe=One-Click, as the mail’s List-Unsubscribe-Post header says.',
          ),
        );
      const subscription = await deps.reports.service.unsubscribe(request.params['*']);
      if (!subscription) return sendPage(reply, linkInvalid);
      return sendPage(reply, {
        status: 200,
        title: 'Unsubscribed',
        sentence: `You will not get ${await reportName(deps, subscription)} any more. Nothing else was changed.`,
      });
    });
  });
}
