import { describe, expect, it } from 'vitest';
import { stableBucket } from '../../lib/serving/trafficSplit';

describe('stableBucket', () => {
  it('gives a key the same bucket every time, and spreads sequential keys evenly', () => {
    expect(stableBucket('user-42')).toBe(stableBucket('user-42'));
    const buckets = Array.from({ length: 20_000 }, (_, i) => stableBucket(`model\u0000user-${i}`));
    expect(Math.min(...buckets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...buckets)).toBeLessThan(1);
    for (const weight of [0.05, 0.25, 0.5, 0.9]) {
      const share = buckets.filter((b) => b < weight).length / buckets.length;
      expect(Math.abs(share - weight)).toBeLessThan(0.015);
    }
  });
});
