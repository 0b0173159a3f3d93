import { css } from 'lit';
import { controlStyles } from '../styles/tokens.ts';

export default [
  controlStyles,
  css`
    :host {
      display: contents;
    }

    [role='tablist'] {
      display: flex;
      gap: var(--_space);
      margin-bottom: calc(var(--_space) * 2);
      border-bottom: 1px solid var(--_border);
    }

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

    form {
      display: grid;
      gap: calc(var(--_space) * 1.5);
    }

    .names {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: var(--_space);
    }

    panta-dialog.wide {
      --_dialog-width: 52rem;
    }

    .bulk {
      display: grid;
      gap: var(--_space);
      justify-items: start;
    }

    .drop {
      justify-self: stretch;
      padding: calc(var(--_space) * 3);
      border: 2px dashed var(--_border);
      border-radius: var(--_radius);
      text-align: center;
      cursor: pointer;
    }

    .drop:focus-within {
      outline: 2px solid var(--_focus);
    }

    progress {
      justify-self: stretch;
    }

    .table-wrap {
      justify-self: stretch;
      max-height: 40vh;
    }

    tr:not([data-verdict='invite']) td:last-child {
      color: var(--_danger);
    }

    .form-error {
      margin: 0;
      color: var(--_danger);
    }
  `,
];
