import { readdirSync } from 'node:fs';
import type { ToolName } from '../migration-file';
import { DBMATE } from './dbmate';
import { GOLANG_MIGRATE } from './golang-migrate';
import type { ToolFormat } from './tool-format';

// Every migration tool whose folder and history table Schema Warden reads as they are.

export const TOOL_FORMATS: Record<ToolName, ToolFormat> = {
  dbmate: DBMATE,
  'golang-migrate': GOLANG_MIGRATE,
};

/** Whose migrations a folder holds, from its files alone (null: no tool's that Schema Warden knows). */
export function detectToolFormat(dir: string): ToolName | null {
  const entries = readdirSync(dir);
  const found = Object.values(TOOL_FORMATS).find((format) => format.recognises(dir, entries));
  return found?.tool ?? null;
}
