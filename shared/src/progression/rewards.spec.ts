import { nextDailyClaimAt, utcDay } from './rewards';

describe('utcDay', () => {
  it('is the UTC calendar day, whatever the local time zone', () => {
    expect(utcDay(new Date('2026-03-10T23:59:59.999Z'))).toBe('2026-03-10');
    expect(utcDay(new Date('2026-03-11T00:00:00+03:00'))).toBe('2026-03-10');
  });
});

describe('nextDailyClaimAt', () => {
  it('is the next UTC midnight, across month and year ends', () => {
    expect(nextDailyClaimAt(new Date('2026-03-10T00:00:00.000Z'))).toEqual(new Date('2026-03-11T00:00:00Z'));
    expect(nextDailyClaimAt(new Date('2026-03-31T23:59:59.999Z'))).toEqual(new Date('2026-04-01T00:00:00Z'));
    expect(nextDailyClaimAt(new Date('2026-12-31T12:00:00Z'))).toEqual(new Date('2027-01-01T00:00:00Z'));
  });
});
