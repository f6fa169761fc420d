import { crc32 } from 'node:zlib';
import { withoutBom } from './folder-files';

// What Flyway writes into a history row of its own making: the checksum of the script, and the
// description and script path cut to their columns' lengths.

/**
 * Flyway's checksum of a script (ChecksumCalculator): CRC-32 over the UTF-8 bytes of its lines read
 * one by one (BufferedReader.readLine, which drops \n, \r and \r\n), a BOM dropped from the first
 * line, as a signed 32-bit integer. So line endings and blank lines do not change it.
 */
export function flywayChecksum(text: string): number {
  return crc32(Buffer.from(withoutBom(text).replace(/[\r\n]/g, ''), 'utf8')) | 0;
}

/** AbbreviationUtils: a description longer than its column (200) ends in "...", a script path longer than 1000 starts with it. */
export const abbreviatedDescription = (text: string) => (text.length <= 200 ? text : `${text.slice(0, 197)}...`);
export const abbreviatedScript = (text: string) => (text.length <= 1000 ? text : `...${text.slice(text.length - 997)}`);
