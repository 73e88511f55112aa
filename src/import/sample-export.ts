/**
 * A generated order export in the shape of a Chinese ERP's 订单明细导出 (the columns
 * mappings/import/erp-orders.v1 reads): for tests, the bench and trying the importer out.
 */
export const ERP_EXPORT_HEADER = ['订单编号', '平台', '店铺', '订单状态', '下单时间', '付款时间', '子订单编号', '商品编码', '商品名称', '规格', '数量', '单价', '运费', '优惠金额', '优惠券抵扣金额', '积分使用数量', '积分抵扣金额', '实付金额', '收货人', '联系电话', '省', '市', '区', '详细地址', '买家留言', '卖家备注'] as const;
export type ErpExportColumn = (typeof ERP_EXPORT_HEADER)[number];
export type ErpExportRow = Record<ErpExportColumn, string>;

const PLATFORMS = ['淘宝', '天猫', '京东', '拼多多', '抖音'] as const;
const GOODS = [
  ['NP-D1', '纸尿裤 L码 54片', 'L码', 8900],
  ['MF-A2', '婴儿配方奶粉 2段 800g', '2段', 23800],
  ['WP-10', '婴儿湿巾 80抽×10包', '10包', 3990],
] as const;

const yuan = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

/** The rows of order n (one or two goods lines), deterministic in n. */
export function sampleOrderRows(n: number): ErpExportRow[] {
  const lines = n % 3 === 0 ? 2 : 1;
  const day = String((n % 28) + 1).padStart(2, '0');
  const created = `2026-10-${day} ${String(n % 24).padStart(2, '0')}:15:00`;
  const items = Array.from({ length: lines }, (_, i) => GOODS[(n + i) % GOODS.length] ?? GOODS[0]);
  const qty = (i: number) => 1 + ((n + i) % 3);
  const goods = items.reduce((s, g, i) => s + g[3] * qty(i), 0);
  const freight = n % 4 === 0 ? 0 : 800;
  const discount = n % 5 === 0 ? 1000 : 0;
  const coupon = n % 7 === 0 ? 500 : 0;
  const points = n % 11 === 0 ? 300 : 0;
  const paid = goods + freight - discount - coupon - points;
  return items.map((g, i) => ({
    订单编号: `ERP${String(100000 + n)}`,
    平台: PLATFORMS[n % PLATFORMS.length] ?? '淘宝',
    店铺: n % 2 ? '母婴旗舰店' : '母婴专营店',
    订单状态: n % 13 === 0 ? '交易关闭' : '交易成功',
    下单时间: created,
    付款时间: n % 13 === 0 ? '' : created.replace(':15:00', ':16:30'),
    子订单编号: `ERP${String(100000 + n)}-${i + 1}`,
    商品编码: g[0],
    商品名称: g[1],
    规格: g[2],
    数量: String(qty(i)),
    单价: yuan(g[3]),
    运费: yuan(freight),
    优惠金额: discount ? yuan(discount) : '',
    // Blank in most rows, as old exports leave them: config defaults make them 0.
    优惠券抵扣金额: coupon ? yuan(coupon) : '',
    积分使用数量: points ? String(points) : '',
    积分抵扣金额: points ? yuan(points) : '',
    实付金额: yuan(paid),
    收货人: `客户${n}`,
    联系电话: `138${String(n).padStart(8, '0')}`,
    省: '浙江省',
    市: '杭州市',
    区: '西湖区',
    详细地址: `文三路${(n % 500) + 1}号`,
    买家留言: '',
    卖家备注: '',
  }));
}
