import { describe, expect, it } from 'vitest';
import type { CellValue } from '../../../../shared/types/data';
import { isSameRow } from './rows-queries';

describe('isSameRow', () => {
  it('takes a row read in full only when it is the row the page previewed', () => {
    const preview: CellValue[] = [7, 'a', { blob: 40, hex: '00112233445566778899aabbccddeeff' }];
    expect(isSameRow(preview, [7, 'a', { blob: 40, hex: '00112233445566778899aabbccddeeff0011223344556677' }])).toBe(true);
    expect(isSameRow(preview, [8, 'a', { blob: 40, hex: '00112233445566778899aabbccddeeff0011223344556677' }])).toBe(false);
    expect(isSameRow(preview, [7, 'a', { blob: 40, hex: 'ff112233445566778899aabbccddeeff0011223344556677' }])).toBe(false);
    expect(isSameRow(preview, [7, 'a', { blob: 41, hex: '00112233445566778899aabbccddeeff0011223344556677' }])).toBe(false);
    expect(isSameRow(preview, [7, 'a', null])).toBe(false);
  });
});
