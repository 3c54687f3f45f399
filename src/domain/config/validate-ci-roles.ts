import { FACTORY } from './file-registry.js';
import { filesOf, type Rule } from './config-set.js';
import { isProtectedRole } from '../roles/protected.js';

/** supervisor.ciOverload.roles names defined roles, none protected: a halt it writes must validate. */
export const ciOverloadRolesReferenceRoles: Rule = (set, report) => {
  const file = filesOf(set, FACTORY)[0];
  const lists = file?.value.supervisor.ciOverload.roles;
  if (!file || !lists) return;
  const defined = Object.keys(file.value.roles).join(', ') || 'none';
  for (const which of ['first', 'second'] as const)
    lists[which].forEach((name, i) => {
      const path = ['supervisor', 'ciOverload', 'roles', which, i];
      const role = file.value.roles[name];
      if (!role) report.error(file, path, `unknown role "${name}" (roles defines: ${defined})`);
      else if (isProtectedRole(name, role))
        report.error(file, path, `role "${name}" is protected and never halted: remove it here`);
    });
};
