/**
 * The demo's stand-in for the CRM's indicator (issue 22, item 4): the six distinct rows of the
 * source's own «Фиксация отклонений» (all «высокий риск» in the CRM) land in the high zone.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { crmIndicator } from '../../src/demo-data/crm-deviations.js';
import { zoneOf } from '../../src/domain/risk-model.js';

const zones = loadConfig({ env: { CHURNGUARD_RUN: 'test' } }).risk.zones;

// The source's rows (client, the five components in the report's order, the CRM's indicator).
const SOURCE_ROWS: [string, number[], number][] = [
  ['193254 - Ветстанция по Ровенскому и Бейделевскому районам', [0.2, 0.5, 0.5, 0.3, 0.5], 0.35],
  ['193643 - Телерадиокомп... Бирюч', [0.2, 0.5, 0.5, 0.2, 0.5], 0.37],
  ['203612 - Адгания ГП Поселок Вейделевка', [0.2, 0.5, 0.5, 0.2, 0.5], 0.36],
  ['204036 - БЗМИ ООО', [0.5, 0.5, 0.5, 0.5, 0.5], 0.36],
  ['204583 - Жил.спецдзя обл.', [0.5, 0.5, 0.5, 0.2, 0.5], 0.37],
  ['205749 - ПЖКОМ', [0.2, 0.5, 0.5, 0.2, 0.5], 0.35],
];

describe("the demo CRM's indicator", () => {
  it('puts each of the source report’s six rows in the high zone, as the CRM does', () => {
    for (const [client, components, printed] of SOURCE_ROWS) {
      expect(zoneOf(printed, zones), client).toBe('high');
      const ours = crmIndicator(components);
      expect(zoneOf(ours, zones), `${client}: ${ours}`).toBe('high');
      // Close to the printed figure (the CRM reads more than its five columns: ±0,01).
      expect(Math.abs((ours ?? 0) - printed), client).toBeLessThanOrEqual(0.011);
    }
  });

  it('gives the seed’s ends of the scale and the lower zones for fewer components at risk', () => {
    expect(crmIndicator([0.5, 0.5, 0.5, 0.5, 0.5])).toBe(0.36);
    expect(crmIndicator([0.2, 0.2, 0.2, 0.2, 0.2])).toBe(0.2);
    expect(zoneOf(crmIndicator([0.2, 0.2, 0.5, 0.5, 0.2]), zones)).toBe('dynamic');
    expect(zoneOf(crmIndicator([0.2, 0.2, 0.5, 0.2, 0.2]), zones)).toBe('none');
    expect(zoneOf(crmIndicator([0.2, 0.3, 0.2, 0.3, 0.2]), zones)).toBe('none');
    expect(crmIndicator([null, null, null, null, null])).toBeNull();
    // Missing columns: the share of the given ones.
    expect(zoneOf(crmIndicator([null, 0.5, 0.5, null, 0.5]), zones)).toBe('high');
  });
});
