import { css } from 'lit';
import { controlStyles, tabStyles } from '../styles/tokens.ts';

export default [
  controlStyles,
  tabStyles,
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

    form {
      display: grid;
      grid-template-columns: minmax(0, 1fr);
      gap: calc(var(--_space) * 1.5);
    }

    /* Side by side where both fit, one above the other in a narrow dialog. */
    .names {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(min(100%, 10rem), 1fr));
      gap: var(--_space);
    }

    .hint {
      overflow-wrap: anywhere;
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

    /* The stage's name over its bar, both as wide as the panel. */
    .stage {
      justify-self: stretch;
      display: grid;
    }

    progress {
      width: 100%;
    }

    .table-wrap {
      justify-self: stretch;
      max-height: 40vh;
    }

    tr:not([data-verdict='invite']) td:last-child {
      color: var(--_danger);
    }

    .chips {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_space);
      margin: 0;
      padding: 0;
      list-style: none;
    }

    /* A refused chip: dashed, and its reason in words, so that colour is not all that tells. */
    .chip {
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding-left: var(--_space);
    }

    .chip[data-verdict]:not([data-verdict='invite']) {
      border: 1px dashed var(--_danger);
    }

    .form-error {
      margin: 0;
      color: var(--_danger);
    }
  `,
];
