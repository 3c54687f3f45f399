import { z } from 'zod';

// Node labels and the selectors that match them, in the shape Kubernetes uses, so an operator who
// knows one knows the other. Kept simple: no set-based selectors (In, NotIn, Exists), only equality.

/** `disk`, `mem-class`, `example.org/zone`: an optional DNS-like prefix and `/`, then a name of at most 63. */
export const LABEL_KEY_PATTERN =
  /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** At most 63 letters, digits, `-`, `_`, `.`, starting and ending with a letter or digit; or empty. */
export const LABEL_VALUE_PATTERN = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

const KEY_RULE = 'letters, digits, - _ . (at most 63), optionally after a prefix/ such as example.org/zone';
export const LabelKey = z.string().regex(LABEL_KEY_PATTERN, `a label key: ${KEY_RULE}`);
export const LabelValue = z
  .string({ error: 'a label value is a string: quote true, false and numbers, e.g. "64"' })
  .regex(
    LABEL_VALUE_PATTERN,
    'a label value: at most 63 letters, digits, - _ ., starting and ending with a letter or digit',
  );

/** A node's labels: key -> value. */
export const Labels = z.record(LabelKey, LabelValue, {
  error: (issue) => (issue.code === 'invalid_key' ? `a label key: ${KEY_RULE}` : undefined),
});
export type Labels = z.infer<typeof Labels>;

/** Labels a node must carry, every one with the same value, for a slot to be placed there. */
export const NodeSelector = Labels;
export type NodeSelector = Labels;
