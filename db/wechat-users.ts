import { UniqueConstraintError } from 'sequelize';
import { User } from './models';
import { stableId } from './users';

/** The driver behind a WeChat openid, created on their first login. */
export async function userForWeChat(openId: string): Promise<User> {
  const id = stableId(`wechat:${openId}`);
  const defaults = { id, name: `微信用户${openId.slice(-4)}`, role: 'driver' as const, wechatOpenId: openId };
  try {
    const [user] = await User.findOrCreate({ where: { wechatOpenId: openId }, defaults });
    return user;
  } catch (error) {
    // Two first logins raced; the unique openid let one through.
    if (error instanceof UniqueConstraintError) return (await User.findOne({ where: { wechatOpenId: openId } }))!;
    throw error;
  }
}
