/** One line of `lookout doctor`: what was checked, whether it is fine, and what to do when it is not. */
export interface DoctorCheck {
  name: string;
  /** False fails `doctor` (exit 1). */
  ok: boolean;
  detail: string;
  /** What to do about a failed check, or about a warning. */
  fix?: string;
  /** Fine for now but worth knowing (an optional component is missing): `ok` stays true, the line reads `!`. */
  warning?: boolean;
}
