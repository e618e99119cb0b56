import jwt from 'jsonwebtoken';
import { TokenService } from './auth';

const secret = 'a-test-secret-that-is-long-enough-for-hs256';
const driver = { id: 'user-1', name: 'Driver', role: 'driver' as const };

describe('TokenService', () => {
  it('verifies a token signed with the same secret given as a string, as tokens issued before a restart were', () => {
    const token = jwt.sign({ name: driver.name, role: driver.role }, secret, { algorithm: 'HS256', subject: driver.id, expiresIn: 60 });
    expect(new TokenService({ secret }).verify(token)).toEqual({ ...driver, tokenVersion: undefined });
  });

  it('verifies its own tokens, staff tokens with their account version', () => {
    const tokens = new TokenService({ secret });
    expect(tokens.verify(tokens.issue(driver))).toEqual({ ...driver, tokenVersion: undefined });
    const staff = { id: 'staff-1', name: 'Ops', role: 'admin' as const };
    expect(tokens.verify(tokens.issueStaff(staff, 3))).toEqual({ ...staff, tokenVersion: 3 });
  });

  it('refuses a token signed with another secret', () => {
    const token = new TokenService({ secret: `${secret}-other` }).issue(driver);
    expect(() => new TokenService({ secret }).verify(token)).toThrow('missing, invalid or expired token');
  });

  it('refuses an unsigned token (alg none)', () => {
    const token = jwt.sign({ name: driver.name, role: driver.role }, null, { algorithm: 'none', subject: driver.id });
    expect(() => new TokenService({ secret }).verify(token)).toThrow('missing, invalid or expired token');
  });
});
