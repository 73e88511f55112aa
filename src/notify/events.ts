/**
 * The events the notification router knows, with the variables each template may use and the
 * Chinese default template. Pure data (no imports), so workflows and other helpers may share it.
 * A route in config names one of these kinds; `notifyEvent` is called with the kind, a key that
 * names this one occurrence (exactly once per key) and the variables.
 */
export const NOTIFY_EVENT = {
  HOLD_CREATED: 'hold_created',
  SHIP_BY_NEAR: 'ship_by_near',
  AFTER_SALES_SLA_BREACH: 'after_sales_sla_breach',
  AFTER_SALES_ESCALATION: 'after_sales_escalation',
  TRACKING_STALLED: 'tracking_stalled',
  COMPENSATION_FAILED: 'compensation_failed',
  BREAKER_OPEN: 'breaker_open',
  BREAKER_CLOSED: 'breaker_closed',
  POLL_RANGE_LOST: 'poll_range_lost',
  DAILY_SUMMARY: 'daily_summary',
} as const;
export type NotifyEvent = (typeof NOTIFY_EVENT)[keyof typeof NOTIFY_EVENT];

/**
 * The connector id a workflow's lifecycle settings name when only notification routes (no
 * lifecycle.notify entry) say who hears of holds: the alert activity hands it to the router.
 */
export const ROUTER_CONNECTOR = 'notification-router';

/** The lifecycle's notices (holds, ship-by, failed compensation) that routes can take. */
export const LIFECYCLE_EVENTS: readonly NotifyEvent[] = ['hold_created', 'ship_by_near', 'compensation_failed'];

export const NOTIFY_SEVERITY = { INFO: 'info', WARNING: 'warning', CRITICAL: 'critical' } as const;
export type NotifySeverity = (typeof NOTIFY_SEVERITY)[keyof typeof NOTIFY_SEVERITY];

export interface EventTemplate {
  title: string;
  text: string;
  severity: NotifySeverity;
  /** The variables `{name}` a template of this kind may use. */
  vars: readonly string[];
}

/** Defaults in Chinese (the people reading these groups do); a route's own template replaces them. */
export const EVENT_TEMPLATES: Readonly<Record<NotifyEvent, EventTemplate>> = {
  hold_created: {
    title: '订单拦截（{level}级）：{reason}',
    text: '订单 {orderKey} 因 {reason} 被拦截，等待处理。\n{message}',
    severity: 'warning',
    vars: ['orderKey', 'reason', 'level', 'message', 'platform', 'platformOrderId'],
  },
  ship_by_near: { title: '发货时限临近：{orderKey}', text: '订单 {orderKey} 尚未回传发货，{message}', severity: 'warning', vars: ['orderKey', 'message', 'platform', 'platformOrderId', 'deadline'] },
  after_sales_sla_breach: { title: '售后超时：{caseNo}', text: '售后工单 {caseNo}（订单 {orderKey}）已 {hours} 小时无进展。', severity: 'warning', vars: ['caseNo', 'orderKey', 'hours', 'assignee', 'type'] },
  after_sales_escalation: {
    title: '售后升级：{caseNo}',
    text: '售后工单 {caseNo}（订单 {orderKey}）已升级至 {supervisor}（第 {round} 次）。',
    severity: 'critical',
    vars: ['caseNo', 'orderKey', 'supervisor', 'round', 'assignee', 'hours', 'type'],
  },
  tracking_stalled: {
    title: '物流异常：{waybillNo}',
    text: '订单 {orderKey} 的包裹 {carrier} {waybillNo} {why}。最后轨迹：{lastTrace}（{lastChangeAt}）',
    severity: 'warning',
    vars: ['orderKey', 'waybillNo', 'carrier', 'why', 'lastTrace', 'lastChangeAt', 'carrierState'],
  },
  compensation_failed: { title: '补偿失败：{orderKey}', text: '订单 {orderKey} 取消时补偿未完成，需人工处理。\n{message}', severity: 'critical', vars: ['orderKey', 'message', 'platform', 'platformOrderId'] },
  breaker_open: { title: '下游系统不可用：{connector}', text: '{connector} 的熔断器已打开 {minutes} 分钟，相关订单在等待。', severity: 'critical', vars: ['connector', 'minutes', 'since'] },
  breaker_closed: { title: '下游系统已恢复：{connector}', text: '{connector} 的熔断器已关闭（打开了 {minutes} 分钟）。', severity: 'info', vars: ['connector', 'minutes', 'since'] },
  poll_range_lost: {
    title: '订单拉取缺口：{channel}',
    text: '渠道 {channel} 无法读取 {lostFrom} 至 {lostTo}（{hours} 小时）的订单变更，平台已不再提供。请在商家后台核对该时段订单。',
    severity: 'critical',
    vars: ['channel', 'lostFrom', 'lostTo', 'hours'],
  },
  daily_summary: {
    title: '订单日报 {date}',
    text: '各平台订单：\n{ordersByPlatform}\n各状态订单：\n{ordersByState}\n待处理拦截：{holdsWaiting}\n未结售后（按时长）：{openCases}\n物流停滞包裹：{stalledParcels}\n双轨运行对比（前一日）：{shadowRun}',
    severity: 'info',
    vars: ['date', 'ordersByPlatform', 'ordersByState', 'holdsWaiting', 'openCases', 'stalledParcels', 'shadowRun'],
  },
};

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

/** The placeholders of a template that its event does not provide (config check). */
export function unknownPlaceholders(kind: NotifyEvent, template: string): string[] {
  const known = new Set(EVENT_TEMPLATES[kind].vars);
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '').filter((v) => !known.has(v));
}

/** `{name}` -> the variable; one not given renders as "-" so a message never shows a raw brace. */
export function renderTemplate(template: string, vars: Readonly<Record<string, string | number | null | undefined>>): string {
  return template.replace(PLACEHOLDER, (_m, name: string) => {
    const v = vars[name];
    return v === null || v === undefined || v === '' ? '-' : String(v);
  });
}
