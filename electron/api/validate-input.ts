import type { core } from 'zod/mini';
import { contract, type MethodName, type ValidInput } from '../../shared/contract';
import { WardenError } from '../engine';

// Every input is checked against the contract before a handler sees it; the error names the
// field and says what it should be.

type Issue = core.$ZodIssue;

function describeIssue(issue: Issue, input: unknown): string {
  if (issue.code === 'unrecognized_keys') return `unexpected ${issue.keys.length === 1 ? 'field' : 'fields'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.path.length === 0) return 'the input must be a JSON object';
  const field = `"${issue.path.join('.')}"`;
  if (issue.code === 'invalid_type') {
    const missing = issue.path.length === 1 && typeof input === 'object' && input !== null && !Object.hasOwn(input, issue.path[0]);
    return missing ? `${field} is required` : `${field} must be of type ${issue.expected}`;
  }
  if (issue.code === 'invalid_value') return `${field} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return `${field} must be ${issue.message}`;
}

export function validateInput<M extends MethodName>(method: M, input: unknown): ValidInput<M> {
  // A call without a body (HTTP) or without an argument (IPC) means "no fields".
  const given = input ?? {};
  const parsed = contract[method].safeParse(given);
  if (parsed.success) return parsed.data as ValidInput<M>;
  const issues = parsed.error.issues;
  const fields = issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys : i.path.length ? [i.path.join('.')] : []));
  throw new WardenError(
    'INVALID_INPUT',
    `Invalid input for ${method}: ${issues.map((i) => describeIssue(i, given)).join('; ')}.`,
    'Fix the named fields; the contract in shared/contract.ts lists what each method takes.',
    { method, fields },
  );
}
