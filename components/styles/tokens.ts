import { css } from 'lit';

/** The dark values, for `theme="dark"` and for `auto` when the system prefers dark. */
const darkTokens = css`
  --_primary: var(--panta-color-primary, #a5b4fc);
  --_on-primary: var(--panta-color-on-primary, #111827);
  --_danger: var(--panta-color-danger, #ef9a9a);
  --_success: var(--panta-color-success, #a5d6a7);
  --_bg: var(--panta-color-background, #15151c);
  --_surface: var(--panta-color-surface, #1f1f29);
  --_text: var(--panta-color-text, #ececf1);
  --_muted: var(--panta-color-text-muted, #a3a3b3);
  --_border: var(--panta-color-border, #34343f);
  --_focus: var(--panta-color-focus, #a5b4fc);
  color-scheme: dark;
`;

/**
 * The design tokens, defined once for light and dark on the outermost element. Each internal
 * `--_x` falls back to a public `--panta-*` custom property, so a host restyles through those only.
 * Sub-elements in the shadow tree inherit the `--_x` values.
 */
export const themeTokens = css`
  :host {
    --_font: var(--panta-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_font-size: var(--panta-font-size, 14px);
    --_radius: var(--panta-radius, 8px);
    --_space: var(--panta-spacing, 8px);
    --_primary: var(--panta-color-primary, #4f46e5);
    --_on-primary: var(--panta-color-on-primary, #ffffff);
    --_danger: var(--panta-color-danger, #c62828);
    --_success: var(--panta-color-success, #2e7d32);
    --_bg: var(--panta-color-background, #ffffff);
    --_surface: var(--panta-color-surface, #f7f7f9);
    --_text: var(--panta-color-text, #1c1c24);
    --_muted: var(--panta-color-text-muted, #5f6170);
    --_border: var(--panta-color-border, #dcdce3);
    --_focus: var(--panta-color-focus, #4f46e5);
    color-scheme: light;
  }

  :host([theme='dark']) {
    ${darkTokens}
  }

  @media (prefers-color-scheme: dark) {
    :host([theme='auto']),
    :host(:not([theme])) {
      ${darkTokens}
    }
  }
`;

/** Buttons, fields and helpers every part of the element draws the same way. */
export const controlStyles = css`
  /* An author's display rule would otherwise win over the hidden attribute. */
  [hidden] {
    display: none !important;
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }

  button,
  input,
  select {
    font: inherit;
    color: inherit;
  }

  .button {
    display: inline-flex;
    align-items: center;
    gap: calc(var(--_space) / 2);
    padding: calc(var(--_space) * 0.75) calc(var(--_space) * 1.5);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    cursor: pointer;
  }

  .button.primary {
    background: var(--_primary);
    border-color: var(--_primary);
    color: var(--_on-primary);
  }

  .button.danger {
    background: var(--_danger);
    border-color: var(--_danger);
    color: var(--_on-primary);
  }

  .button:disabled,
  .button[aria-disabled='true'] {
    opacity: 0.55;
    cursor: not-allowed;
  }

  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }

  .field {
    display: grid;
    gap: calc(var(--_space) / 2);
  }

  /* As wide as their field, never wider: a dialog 320 px wide keeps every field inside its edges. */
  .field input,
  .field select {
    box-sizing: border-box;
    width: 100%;
    min-width: 0;
  }

  .field input,
  .field select,
  input[type='search'],
  select {
    padding: calc(var(--_space) * 0.75);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
  }

  .field [aria-invalid='true'] {
    border-color: var(--_danger);
  }

  .field-error,
  .reason {
    color: var(--_danger);
    font-size: 0.9em;
  }

  .hint {
    color: var(--_muted);
    font-size: 0.9em;
  }

  .table-wrap {
    overflow: auto;
  }

  table {
    width: 100%;
    border-collapse: collapse;
  }

  th,
  td {
    padding: var(--_space);
    border-bottom: 1px solid var(--_border);
    text-align: start;
    vertical-align: top;
  }

  th {
    color: var(--_muted);
    font-weight: 600;
    white-space: nowrap;
  }
`;

/** The underlined tabs of the element and of the Add user dialog. */
export const tabStyles = css`
  [role='tab'] {
    padding: var(--_space) calc(var(--_space) * 1.5);
    border: 0;
    border-bottom: 2px solid transparent;
    background: none;
    cursor: pointer;
  }

  [role='tab'][aria-selected='true'] {
    border-bottom-color: var(--_primary);
    font-weight: 600;
  }

  /* Forced colours paint every border alike: the selected tab keeps a thicker underline in the system's highlight. */
  @media (forced-colors: active) {
    [role='tab'] {
      border-bottom-color: Canvas;
    }

    [role='tab'][aria-selected='true'] {
      border-bottom: 4px solid Highlight;
    }
  }
`;

/** Every element's host: a block in the theme's font and colours, gone when `hidden`. */
export const hostStyles = css`
  :host {
    display: block;
    font-family: var(--_font);
    font-size: var(--_font-size);
    color: var(--_text);
    background: var(--_bg);
  }

  :host([hidden]) {
    display: none;
  }
`;
