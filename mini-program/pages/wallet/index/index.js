const { fetchWallet } = require('../../../services/wallet/fetchWallet');
const { fetchTransactions } = require('../../../services/wallet/fetchTransactions');
const { createTopUp } = require('../../../services/wallet/createTopUp');
const { createWithdrawal } = require('../../../services/wallet/createWithdrawal');
const { fetchWithdrawals } = require('../../../services/wallet/fetchWithdrawals');
const { yuan, parseYuan } = require('../../../utils/money');
const { dateTime } = require('../../../utils/format');
const { WALLET_ENTRY, REFUND_STATUS } = require('../../../utils/labels');
const { confirm, explainRefusal } = require('../../../utils/dialog');
const { newIdempotencyKey } = require('../../../utils/idempotency');
const { showError, showDone } = require('../../../utils/toast');

const PRESETS = [2000, 5000, 10000, 20000];
/** Entries that put money into the spendable balance show as +, the others as −. */
const CREDITS = ['top_up', 'release', 'refund_reversal', 'order_refund'];

function presentEntry(entry) {
  return {
    id: entry.id,
    text: WALLET_ENTRY[entry.kind] || entry.kind,
    amount: `${CREDITS.includes(entry.kind) ? '+' : '-'}${yuan(entry.amountFen)}`,
    credit: CREDITS.includes(entry.kind),
    balanceAfter: yuan(entry.balanceAfterFen),
    at: dateTime(entry.at),
  };
}

function presentWithdrawal(withdrawal) {
  return {
    id: withdrawal.id,
    amount: yuan(withdrawal.amountFen),
    at: dateTime(withdrawal.createdAt),
    refunds: withdrawal.refunds.map((r) => ({ id: r.outRefundNo, amount: yuan(r.amountFen), status: REFUND_STATUS[r.status] || r.status })),
  };
}

/** Wallet: balance and held amount, top-up (WeChat Pay when the API asks for it), withdrawal of the balance, transactions. */
Component({
  data: {
    balance: '0.00',
    held: '0.00',
    presets: PRESETS.map((fen) => ({ fen, text: yuan(fen).replace(/\.00$/, '') })),
    selectedFen: PRESETS[1],
    customText: '',
    customError: '',
    paying: false,
    balanceFen: 0,
    withdrawing: false,
    withdrawals: [],
    entries: [],
  },
  methods: {
    onLoad() {
      this.idempotencyKey = newIdempotencyKey();
      this.withdrawalKey = newIdempotencyKey();
      return this.refresh();
    },

    async refresh() {
      try {
        const [wallet, entries, withdrawals] = await Promise.all([fetchWallet(), fetchTransactions(), fetchWithdrawals()]);
        this.setData({
          balance: yuan(wallet.balanceFen),
          balanceFen: wallet.balanceFen,
          held: yuan(wallet.heldFen),
          entries: entries.map(presentEntry),
          withdrawals: withdrawals.map(presentWithdrawal),
        });
      } catch (error) {
        showError(error);
      }
    },

    onPick(event) {
      this.setData({ selectedFen: Number(event.currentTarget.dataset.fen), customText: '', customError: '' });
    },

    onCustomInput(event) {
      this.setData({ customText: event.detail.value, selectedFen: 0, customError: '' });
    },

    /** The whole spendable balance back to WeChat Pay, after the driver confirms. */
    async onWithdraw() {
      const amountFen = this.data.balanceFen;
      if (amountFen <= 0) return;
      const go = await confirm({ title: '余额退款', content: `将 ¥${yuan(amountFen)} 原路退回微信支付，通常 1–3 个工作日到账`, confirmText: '确认退款' });
      if (!go) return;
      this.setData({ withdrawing: true });
      try {
        await createWithdrawal(amountFen, this.withdrawalKey);
        this.withdrawalKey = newIdempotencyKey();
        showDone('退款已提交');
        await this.refresh();
      } catch (error) {
        showError(error);
      } finally {
        this.setData({ withdrawing: false });
      }
    },

    async onTopUp() {
      const amountFen = this.data.customText ? parseYuan(this.data.customText) : this.data.selectedFen;
      if (!amountFen || amountFen < 100 || amountFen > 1000000) {
        this.setData({ customError: '请输入 1 到 10000 元之间的金额' });
        return;
      }
      this.setData({ paying: true });
      try {
        const { paid } = await createTopUp(amountFen, this.idempotencyKey);
        this.idempotencyKey = newIdempotencyKey();
        if (paid) showDone('充值成功');
        else wx.showToast({ title: '已取消支付', icon: 'none' });
        await this.refresh();
      } catch (error) {
        await explainRefusal(error);
      } finally {
        this.setData({ paying: false });
      }
    },
  },
});
