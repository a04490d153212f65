/** One line of `lookout doctor`: what was checked, whether it is fine, and what to do when it is not. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do about a failed check. */
  fix?: string;
}
