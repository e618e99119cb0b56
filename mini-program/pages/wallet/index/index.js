const { fetchWallet } = require('../../../services/wallet/fetchWallet');
const { fetchTransactions } = require('../../../services/wallet/fetchTransactions');
const { createTopUp } = require('../../../services/wallet/createTopUp');
const { yuan, parseYuan } = require('../../../utils/money');
const { dateTime } = require('../../../utils/format');
const { WALLET_ENTRY } = require('../../../utils/labels');
const { newIdempotencyKey } = require('../../../utils/idempotency');
const { showError, showDone } = require('../../../utils/toast');

const PRESETS = [2000, 5000, 10000, 20000];
/** Entries that put money into the spendable balance show as +, the others as −. */
const CREDITS = ['top_up', 'release'];

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

/** Wallet: balance and held amount, top-up (WeChat Pay when the API asks for it), transactions. */
Component({
  data: {
    balance: '0.00',
    held: '0.00',
    presets: PRESETS.map((fen) => ({ fen, text: yuan(fen).replace(/\.00$/, '') })),
    selectedFen: PRESETS[1],
    customText: '',
    customError: '',
    paying: false,
    entries: [],
  },
  methods: {
    onLoad() {
      this.idempotencyKey = newIdempotencyKey();
      return this.refresh();
    },

    async refresh() {
      try {
        const [wallet, entries] = await Promise.all([fetchWallet(), fetchTransactions()]);
        this.setData({ balance: yuan(wallet.balanceFen), held: yuan(wallet.heldFen), entries: entries.map(presentEntry) });
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
        showError(error);
      } finally {
        this.setData({ paying: false });
      }
    },
  },
});
