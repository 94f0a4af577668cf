import { useId } from 'react';

interface LabelledInputProps {
  label: string;
  type: 'text' | 'date';
  value: string;
  onChange: (value: string) => void;
  /** `narrow` for short codes (a version), `medium` for names and dates. */
  width?: 'narrow' | 'medium';
}

/** One labelled input in a row of form fields (`.field-row`): the label above, tied to it by id. */
export function LabelledInput({
  label,
  type,
  value,
  onChange,
  width = 'medium',
}: LabelledInputProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        className={`input-${width}`}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}
