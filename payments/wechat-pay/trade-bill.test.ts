import { parseTradeBill } from './trade-bill';

const HEADER = '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const line = (fields: string[]) => fields.map((f) => `\`${f}`).join(',');
const payment = (outTradeNo: string, yuan: string) => line(['2026-11-29 10:00:01', 'wx0123456789abcdef', '1900000109', '0', '', '4200000001', outTradeNo, 'oUser', 'JSAPI', 'SUCCESS', 'OTHERS', 'CNY', yuan, '0.00', '0', '0', '0.00', '0.00', '', '', '钱包充值', '', '0.30000', '0.60%', yuan, '0.00', '']);
const refundLine = (outTradeNo: string, outRefundNo: string, yuan: string, status = 'SUCCESS') =>
  line(['2026-11-29 12:00:00', 'wx0123456789abcdef', '1900000109', '0', '', '4200000001', outTradeNo, 'oUser', 'JSAPI', 'REFUND', 'OTHERS', 'CNY', '0.00', '0.00', '5000001', outRefundNo, yuan, '0.00', 'ORIGINAL', status, '钱包充值', '', '-0.07000', '0.60%', '50.00', yuan, '']);
const SUMMARY = ['总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额', line(['2', '50.00', '12.00', '0.00', '0.23000', '50.00', '12.00'])];

describe("WeChat Pay's trade bill", () => {
  it('gives a payment for each paid order and a refund for each refund that succeeded, exact to the fen', () => {
    const bill = [HEADER, payment('tu1', '50.00'), payment('tu2', '0.01'), refundLine('tu1', 'rf1', '12.00'), refundLine('tu1', 'rf2', '3.00', 'PROCESSING'), ...SUMMARY].join('\r\n');
    expect(parseTradeBill(bill)).toEqual([
      { kind: 'payment', reference: 'tu1', amountFen: 5000 },
      { kind: 'payment', reference: 'tu2', amountFen: 1 },
      { kind: 'refund', reference: 'rf1', amountFen: 1200 },
    ]);
  });

  it('finds its columns by name, in any order', () => {
    const reordered = ['商户订单号,订单金额,交易状态,商户退款单号,退款金额,退款状态', line(['tu9', '9.90', 'SUCCESS', '0', '0.00', ''])].join('\n');
    expect(parseTradeBill(reordered)).toEqual([{ kind: 'payment', reference: 'tu9', amountFen: 990 }]);
  });

  it('is empty on a day without trades', () => {
    expect(parseTradeBill('')).toEqual([]);
    expect(parseTradeBill([HEADER, ...SUMMARY].join('\n'))).toEqual([]);
  });

  it('refuses a bill without the columns it needs', () => {
    expect(() => parseTradeBill('a,b,c\n`1,`2,`3')).toThrow(/no column/);
  });
});
