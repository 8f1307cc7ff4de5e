import { useState } from 'preact/hooks';
import { api, describeError, type SiteInfo } from '../api.ts';
import { useApi } from '../dashboard/use-stats.ts';
import { roleAtLeast } from '../members/roles.ts';

interface ReportInfo {
  id: string;
  email: string;
  frequency: 'weekly' | 'monthly';
}

interface ReportsAnswer {
  mail: { configured: boolean; problem: string | null };
  reports: ReportInfo[];
}

/**
 * Email reports (site settings, every role): subscribe your own address to the weekly or monthly
 * report; owners also send it to any address. Without mail settings the card says why nothing is
 * sent.
 */
export function ReportsSection(props: { site: SiteInfo; myEmail: string }) {
  const base = `/sites/${encodeURIComponent(props.site.id)}/reports`;
  const owner = roleAtLeast(props.site.role, 'owner');
  const [version, setVersion] = useState(0);
  const answer = useApi(() => api.get<ReportsAnswer>(base), `${base}:${version}`);
  const [email, setEmail] = useState('');
  const [frequency, setFrequency] = useState<'weekly' | 'monthly'>('weekly');
  const [error, setError] = useState<string | null>(null);

  const act = async (run: () => Promise<unknown>) => {
    setError(null);
    try {
      await run();
      setVersion(version + 1);
      return true;
    } catch (failure) {
      setError(describeError(failure));
      return false;
    }
  };
  const subscribe = (event: Event) => {
    event.preventDefault();
    void act(() => api.post(base, { frequency, ...(owner && email ? { email } : {}) })).then(
      (ok) => ok && setEmail(''),
    );
  };

  const data = answer.data;
  return (
    <section class="card" data-testid="email-reports">
      <h2>Email reports</h2>
      {data && !data.mail.configured && (
        <p class="notice" data-testid="mail-not-configured">
          {data.mail.problem} Set the mail settings of the server to turn reports on (see the Sharing and
          teams page of the manual).
        </p>
      )}
      <p class="muted small">
        Visitors, pageviews, bounce rate, visit duration, top sources and pages and goals, each compared with
        the period before, mailed every Monday (weekly) or on the 1st (monthly) in the site's time zone. Each
        mail has a link to stop it.
      </p>
      {answer.error && <p class="form-error">{answer.error}</p>}
      {data && data.reports.length > 0 && (
        <table class="breakdown keys" data-testid="report-list">
          <tbody>
            {data.reports.map((report) => (
              <tr key={report.id} data-report={`${report.email} ${report.frequency}`}>
                <td>{report.email}</td>
                <td>{report.frequency}</td>
                <td>
                  {(owner || report.email === props.myEmail) && (
                    <button
                      type="button"
                      class="button secondary small"
                      onClick={() => void act(() => api.delete(`${base}/${encodeURIComponent(report.id)}`))}
                    >
                      Stop
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="form-row" onSubmit={subscribe} data-testid="report-form">
        {owner && (
          <label>
            Email (empty: yours)
            <input
              name="report-email"
              type="email"
              placeholder={props.myEmail}
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
          </label>
        )}
        <label>
          Every
          <select
            name="report-frequency"
            value={frequency}
            onChange={(e) => setFrequency(e.currentTarget.value as 'weekly' | 'monthly')}
          >
            <option value="weekly">week</option>
            <option value="monthly">month</option>
          </select>
        </label>
        <button type="submit" class="button">
          {owner ? 'Send the report' : 'Send me the report'}
        </button>
      </form>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
