import { describe, expect, it } from 'vitest';
import { forecastCrossing, predictLinear } from '../../../src/domain/alerts/forecast.js';

const H = 3_600_000;
const NOW = Date.parse('2026-05-01T12:00:00Z');
/** disk use rising 2 %/h, one point every 30 minutes over the last 6 hours, ending at 70 % */
const rising = Array.from({ length: 13 }, (_, i) => ({ at: NOW - (12 - i) * (H / 2), value: 70 - (12 - i) }));

describe("predict_linear over a node's telemetry", () => {
  it('fits a least-squares line and reads it off later', () => {
    const f = predictLinear(rising, NOW, 6 * H, 4 * H)!;
    expect(f.current).toBeCloseTo(70, 6);
    expect(f.slope * H).toBeCloseTo(2, 6);
    expect(f.predicted).toBeCloseTo(78, 6);
  });

  it('is least squares, not two points: noise around a line gives the line', () => {
    const noisy = rising.map((p, i) => ({ ...p, value: p.value + (i % 2 === 0 ? 0.5 : -0.5) }));
    expect(predictLinear(noisy, NOW, 6 * H, 0)!.slope * H).toBeCloseTo(2, 0);
  });

  it('needs three points in the window', () => {
    expect(predictLinear(rising.slice(-2), NOW, 6 * H, H)).toBeUndefined();
    expect(predictLinear(rising, NOW, H / 2, H)).toBeUndefined();
  });

  it('rising disk use: crosses within the horizon, after it, or is already past (the level acts itself)', () => {
    expect(forecastCrossing(rising, 75, 'above', NOW, 6 * H, 4 * H)?.crossesAt).toBeCloseTo(NOW + 2.5 * H, -3);
    expect(forecastCrossing(rising, 90, 'above', NOW, 6 * H, 4 * H)).toBeUndefined();
    expect(forecastCrossing(rising, 65, 'above', NOW, 6 * H, 4 * H)).toBeUndefined();
  });

  it('falling memory crosses a low threshold; rising memory never does', () => {
    // 3200 MB six hours ago, 2000 MB now: 200 MB/h down
    const falling = rising.map((p) => ({ at: p.at, value: 2000 + (70 - p.value) * 100 }));
    expect(forecastCrossing(falling, 1800, 'below', NOW, 6 * H, 4 * H)?.crossesAt).toBeCloseTo(NOW + H, -3);
    expect(forecastCrossing(falling, 1000, 'below', NOW, 6 * H, 4 * H)).toBeUndefined();
    const growing = falling.map((p, i) => ({ at: p.at, value: falling[falling.length - 1 - i]!.value }));
    expect(forecastCrossing(growing, 1800, 'below', NOW, 6 * H, 4 * H)).toBeUndefined();
  });
});
