import type { ButtonHTMLAttributes, ComponentChildren } from 'preact';

export interface ButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'class'> {
  readonly variant?: 'primary' | 'danger' | 'plain';
  readonly children: ComponentChildren;
}

/** A button that is never a form submit unless asked (`type="submit"`). */
export function Button({ variant = 'plain', type = 'button', children, ...rest }: ButtonProps) {
  return (
    <button type={type} class={`btn btn-${variant}`} {...rest}>
      {children}
    </button>
  );
}
