import { api } from '../api';
import { can } from '../access';
import { readinessOf } from '../guards';
import { useT } from '../i18n';
import type { Session } from '../session';
import { Loading, localTime, useLoad } from '../ui';

/** Readiness for everyone; breakers, notifications, schedules, rate-limit waits and poll cursors for those who run the hub. */
export function HealthPage({ session }: { session: Session }) {
  const t = useT();
  // A not-ready hub answers 503 with the same body: both are shown.
  const ready = useLoad(async () => {
    const r = await api.GET('/readyz');
    return { ...r, data: readinessOf(r.data ?? r.error) };
  }, []);
  const mayStatus = can(session.roles, 'GET /api/status');
  return (
    <section aria-labelledby="health-title">
      <div class="row">
        <h1 id="health-title">{t('health.title')}</h1>
        <button type="button" onClick={ready.reload}>
          {t('common.refresh')}
        </button>
      </div>
      <h2>{t('health.readiness')}</h2>
      <Loading state={ready} />
      {ready.data && (
        <ul>
          {ready.data.checks.map((c) => (
            <li key={c.name} class={c.ok ? 'ok' : 'failing'}>
              {c.name}: {t(c.ok ? 'health.ok' : 'health.failing')} {c.reason ?? ''}
            </li>
          ))}
        </ul>
      )}
      {mayStatus && <Status />}
    </section>
  );
}

function Status() {
  const t = useT();
  const s = useLoad(() => api.GET('/api/status'), []);
  return (
    <>
      <Loading state={s} />
      {s.data && (
        <>
          <h2>{t('health.breakers')}</h2>
          {s.data.breakers.length === 0 ? (
            <p>{t('health.noBreakers')}</p>
          ) : (
            <ul>
              {s.data.breakers.map((b) => (
                <li key={`${b.connector}/${b.capability}`} class="failing">
                  {b.connector} / {b.capability} — {localTime(b.openedAt)}
                </li>
              ))}
            </ul>
          )}
          <h2>{t('health.notifications')}</h2>
          {s.data.notifications && (
            <ul>
              {s.data.notifications.waiting.map((w) => (
                <li key={w.target}>
                  {w.target}: {t('health.waiting', { n: w.messages })}
                </li>
              ))}
              <li class={s.data.notifications.dead > 0 ? 'failing' : 'ok'}>{t('health.dead', { n: s.data.notifications.dead })}</li>
            </ul>
          )}
          <h2>{t('health.schedules')}</h2>
          {s.data.schedules === null ? (
            <p class="failing">{t('health.schedulesUnavailable', { reason: s.data.schedulesError ?? '' })}</p>
          ) : s.data.schedules.length === 0 ? (
            <p>{t('common.empty')}</p>
          ) : (
            <table data-schedules>
              <thead>
                <tr>
                  <th scope="col">{t('health.schedule')}</th>
                  <th scope="col">{t('health.lastRun')}</th>
                  <th scope="col">{t('health.nextRun')}</th>
                </tr>
              </thead>
              <tbody>
                {s.data.schedules.map((x) => (
                  <tr key={x.id} title={x.purpose ?? undefined}>
                    <td>
                      <code>{x.id}</code>
                      {x.paused && <span class="failing"> {t('health.paused')}</span>}
                    </td>
                    <td>{x.lastRunAt ? localTime(x.lastRunAt) : '—'}</td>
                    <td>{x.nextRunAt ? localTime(x.nextRunAt) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>{t('health.rateLimits')}</h2>
          {s.data.rateLimits.length === 0 ? (
            <p>{t('health.noRateLimits')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('health.connector')}</th>
                  <th scope="col">{t('health.capability')}</th>
                  <th scope="col">{t('health.waits')}</th>
                  <th scope="col">{t('health.refused')}</th>
                </tr>
              </thead>
              <tbody>
                {s.data.rateLimits.map((r) => (
                  <tr key={`${r.connector}/${r.capability}`}>
                    <td>{r.connector}</td>
                    <td>{r.capability}</td>
                    <td>{r.waits}</td>
                    <td class={r.refused > 0 ? 'failing' : undefined}>{r.refused}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>{t('health.polls')}</h2>
          {s.data.polls.length === 0 && <p>{t('common.empty')}</p>}
          <table hidden={s.data.polls.length === 0}>
            <thead>
              <tr>
                <th scope="col">{t('quarantine.channel')}</th>
                <th scope="col">{t('health.cursor')}</th>
                <th scope="col">{t('health.lag')}</th>
                <th scope="col">{t('health.lost')}</th>
              </tr>
            </thead>
            <tbody>
              {s.data.polls.map((p) => (
                <tr key={p.channel}>
                  <td>{p.channel}</td>
                  <td>{p.error ?? localTime(p.cursor)}</td>
                  <td>{p.lagSeconds === null ? '—' : `${p.lagSeconds} s`}</td>
                  <td>{p.lost}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
