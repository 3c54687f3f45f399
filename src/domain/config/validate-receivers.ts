import { FACTORY } from './file-registry.js';
import { filesOf, type Rule } from './config-set.js';

/** Routes name configured receivers, and a forge-issue receiver a configured forge: else alerts go nowhere. */
export const receiversReferenceConfig: Rule = (set, report) => {
  const file = filesOf(set, FACTORY)[0];
  if (!file) return;
  const { receivers, routes } = file.value.alerts;
  const names = Object.keys(receivers);
  routes.forEach((route, i) =>
    route.receivers.forEach((name, j) => {
      if (!receivers[name])
        report.error(
          file,
          ['alerts', 'routes', i, 'receivers', j],
          `unknown receiver "${name}" (alerts.receivers defines: ${names.join(', ') || 'none'})`,
        );
    }),
  );
  const forges = Object.keys(file.value.forges);
  for (const [name, r] of Object.entries(receivers))
    if (r.type === 'forge-issue' && !file.value.forges[r.forge])
      report.error(
        file,
        ['alerts', 'receivers', name, 'forge'],
        `unknown forge "${r.forge}" (forges defines: ${forges.join(', ') || 'none'})`,
      );
};
