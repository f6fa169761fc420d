import { readdirSync } from 'node:fs';
import type { ToolName } from '../migration-file';
import { DBMATE } from './dbmate';
import { DRIZZLE } from './drizzle';
import { FLYWAY } from './flyway';
import { GOLANG_MIGRATE } from './golang-migrate';
import { PRISMA } from './prisma';
import type { ToolFormat } from './tool-format';

// Every migration tool whose folder and history table Schema Warden reads as they are.

export const TOOL_FORMATS: Record<ToolName, ToolFormat> = {
  dbmate: DBMATE,
  'golang-migrate': GOLANG_MIGRATE,
  flyway: FLYWAY,
  prisma: PRISMA,
  drizzle: DRIZZLE,
};

/** The order folders are tried in: the most telling files first (a golang-migrate file also looks like dbmate's name). */
const DETECTION_ORDER: ToolName[] = ['drizzle', 'prisma', 'golang-migrate', 'flyway', 'dbmate'];

/** Whose migrations a folder holds, from its files alone (null: no tool's that Schema Warden knows). */
export function detectToolFormat(dir: string): ToolName | null {
  const entries = readdirSync(dir);
  return DETECTION_ORDER.find((tool) => TOOL_FORMATS[tool].recognises(dir, entries)) ?? null;
}
