import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import type { MoneyMovement } from '../../domain/reconciliation';
import { type WeChatPayClient, errorCode, parseJson } from './client';
import { parseTradeBill } from './trade-bill';

const billAnswer = z.object({ hash_type: z.literal('SHA1'), hash_value: z.string().regex(/^[0-9a-f]{40}$/i), download_url: z.string().url() });

/**
 * WeChat Pay's daily trade bill (GET /v3/bill/tradebill, bill_type ALL): the signed answer names the file and its
 * SHA1; the file itself comes unsigned and is believed only when its hash matches. No bill for a day with no trade.
 */
export class WeChatPayBills {
  constructor(private readonly client: WeChatPayClient) {}

  async movementsOf(billDate: string): Promise<MoneyMovement[]> {
    const answer = await this.client.call('GET', `/v3/bill/tradebill?bill_date=${billDate}&bill_type=ALL`);
    if (!answer.ok) {
      if (errorCode(answer.text) === 'NO_STATEMENT_EXIST') return [];
      throw new DomainError('UPSTREAM_FAILED', `WeChat Pay refused the trade bill of ${billDate} (${answer.status} ${errorCode(answer.text)})`);
    }
    const bill = parseJson(billAnswer, answer.text, 'trade bill answer');
    const file = await this.client.call('GET', bill.download_url, '', { signedAnswer: false });
    if (!file.ok) throw new DomainError('UPSTREAM_FAILED', `WeChat Pay refused the trade bill download (${file.status} ${errorCode(file.text)})`);
    if (createHash('sha1').update(file.text).digest('hex') !== bill.hash_value.toLowerCase()) {
      throw new DomainError('UPSTREAM_FAILED', `the trade bill of ${billDate} does not match its SHA1`);
    }
    return parseTradeBill(file.text);
  }
}
