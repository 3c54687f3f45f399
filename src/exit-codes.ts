// sysexits.h codes, the one place they are defined.
export const EXIT = {
  OK: 0,
  /** reconcile plan: drift found (terraform plan -detailed-exitcode) */
  DRIFT: 2,
  USAGE: 64,
  DATAERR: 65,
  NOINPUT: 66,
  UNAVAILABLE: 69,
  SOFTWARE: 70,
  IOERR: 74,
  TEMPFAIL: 75,
  NOPERM: 77,
  CONFIG: 78,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
