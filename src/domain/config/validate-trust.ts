import { ALLOWED_SIGNERS_PATH, parseAllowedSigners } from '../trust/allowed-signers.js';
import { filesOf, type Rule } from './config-set.js';
import { FACTORY } from './file-registry.js';

export { ALLOWED_SIGNERS_PATH };

/**
 * trust/allowed_signers is not YAML: its lines are checked here, each problem at its line and
 * column, and against factory.yaml's trust.mode: enforce needs a signer, and a file that leaves no
 * human signer could never be changed again by a trusted commit.
 */
export function trustRule(signersText: string | undefined): Rule {
  return (set, report) => {
    const at = (line: number, col: number, message: string) =>
      report.problem({ file: ALLOWED_SIGNERS_PATH, line, col, field: '', message, severity: 'error' });
    const parsed = signersText === undefined ? undefined : parseAllowedSigners(signersText);
    for (const p of parsed?.problems ?? []) at(p.line, p.col, p.message);
    if (parsed && parsed.problems.length === 0 && !parsed.signers.some((s) => s.role === 'human'))
      at(1, 1, 'no human signer: nothing could change the allowed signers again (write human:NAME KEY)');
    const factory = filesOf(set, FACTORY)[0];
    const mode = (factory?.value as { trust?: { mode?: string } } | undefined)?.trust?.mode;
    if (factory && mode === 'enforce' && set.complete && (parsed?.signers.length ?? 0) === 0)
      report.error(
        factory,
        ['trust', 'mode'],
        `enforce needs a signer in ${ALLOWED_SIGNERS_PATH} (factoryctl trust init)`,
      );
  };
}
