/**
 * A labelled choice of a filter: "any" (when given) and the options, and the current value kept
 * selectable even when it is not among them (a link may carry a value the list has not loaded).
 * `onChange` gets the chosen value, or undefined for "any".
 */
export interface SelectFieldProps<T extends string> {
  label: string;
  value: string | undefined;
  options: readonly T[];
  /** The words of the empty choice; without it there is none. */
  anyLabel?: string;
  /** How an option reads (default: the value itself). */
  optionLabel?: (option: T) => string;
  onChange(value: string | undefined): void;
  disabled?: boolean;
}

export function SelectField<T extends string>({ label, value, options, anyLabel, optionLabel, onChange, disabled }: SelectFieldProps<T>) {
  const shown: readonly string[] = value && !(options as readonly string[]).includes(value) ? [...options, value] : options;
  return (
    <label>
      {label}
      <select value={value ?? ""} disabled={disabled} onChange={(event) => onChange(event.currentTarget.value.trim() || undefined)}>
        {anyLabel !== undefined && <option value="">{anyLabel}</option>}
        {shown.map((option) => (
          <option key={option} value={option}>
            {optionLabel ? optionLabel(option as T) : option}
          </option>
        ))}
      </select>
    </label>
  );
}
